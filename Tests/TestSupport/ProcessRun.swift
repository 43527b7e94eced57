import Foundation

/// One run of a program to its end, bounded in time, with what it printed. Output goes through
/// files, so a long report cannot block the child on a full pipe.
public struct ProcessRun: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: Data

    /// Runs `executable` with `arguments`, `input` on its standard input (nothing when nil);
    /// throws if it outlives `timeout` (it is stopped then).
    public init(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String]? = nil,
        directory: URL? = nil,
        input: Data? = nil,
        timeout: Duration
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("process-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("stdout")
        let err = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)

        let process = ChildProcess()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        if let input {
            let file = folder.appendingPathComponent("stdin")
            try input.write(to: file)
            process.standardInput = try FileHandle(forReadingFrom: file)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                process.waitUntilExit()
                throw TestFailure("\(executable.lastPathComponent) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        status = process.terminationStatus
        stdout = (try? Data(contentsOf: out)) ?? Data()
        stderr = (try? Data(contentsOf: err)) ?? Data()
    }
}
