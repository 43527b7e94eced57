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
        let result = try await ProcessRun(URL(fileURLWithPath: "/usr/bin/env"), [executable] + arguments, timeout: timeout)
        guard result.status == 0 else {
            let stderr = String(decoding: result.stderr, as: UTF8.self)
            throw Failure(description: "\(executable) \(arguments.first ?? "") exited with \(result.status): \(stderr)")
        }
        return result.stdout
    }
}
