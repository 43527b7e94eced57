import Foundation

/// Runs one of the Python scripts beside this file and returns what it printed.
public enum PythonScript {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The folder holding this file and the scripts.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// Runs `python3 SCRIPT arguments…`; output goes through files so a long report cannot block the child.
    public static func run(_ script: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws -> Data {
        try await run(executable: "python3", [folder.appendingPathComponent(script).path] + arguments, timeout: timeout)
    }

    /// Runs a program found on `PATH`; fails if it exits non-zero or outlives `timeout`.
    public static func run(executable: String, _ arguments: [String], timeout: Duration) async throws -> Data {
        let id = UUID().uuidString
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("ses-tests-\(id).out")
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("ses-tests-\(id).err")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: errors)
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                process.waitUntilExit()
                throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) took longer than \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw Failure(description: "\(executable) \(arguments.first ?? "") exited with \(process.terminationStatus): \(stderr)")
        }
        return try Data(contentsOf: output)
    }
}
