import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Python test peer in a child process: one of the scripts beside this file, started with its
/// output in a private folder, ready once it prints `READY <port> …`. The servers built on it
/// (`SMTPTestServer`, `MediaTestServer`, …) add what they know of their own protocol.
public struct PythonPeer: Sendable {
    public let process: ChildProcess
    /// The folder holding the peer's `stdout` and `stderr` (and whatever the server writes there).
    public let directory: URL
    /// The numbers after `READY` (the ports the peer listens on).
    public let readyNumbers: [Int]

    /// Starts `python3 SCRIPT arguments…` and waits (up to two minutes: many start at once when
    /// the tests run in parallel, and a shared machine may be busier still) for its `READY` line.
    /// - Parameters:
    ///   - arguments: the script's arguments, given the peer's folder (for files it writes there).
    ///   - advice: added to the error when the script does not start (what to install).
    public static func start(
        _ script: String, prefix: String, advice: String = "", arguments: (URL) -> [String]
    ) async throws -> PythonPeer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stdout = directory.appendingPathComponent("stdout")
        let stderr = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)

        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", PythonScript.folder.appendingPathComponent(script).path] + arguments(directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()

        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let printed = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
            if let line = printed.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }) {
                let numbers = line.split(separator: " ").dropFirst().compactMap { Int($0) }
                if !numbers.isEmpty {
                    return PythonPeer(process: process, directory: directory, readyNumbers: numbers)
                }
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await stop(process)
        let errors = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: directory)
        throw TestFailure("\(script) did not start\(advice.isEmpty ? "" : " (\(advice))"): \(errors)")
    }

    /// Stops the process (SIGTERM, SIGKILL if it lingers past 3 s) and removes its folder.
    public func stop() async {
        await Self.stop(process)
        try? FileManager.default.removeItem(at: directory)
    }

    static func stop(_ process: ChildProcess) async {
        if process.isRunning {
            process.terminate()
        }
        let deadline = ContinuousClock.now + .seconds(3)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }
}
