import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `smtp_server.py` (aiosmtpd) in a child process on 127.0.0.1, for tests against a real server.
///
/// Use ``with(_:_:)`` so the process is stopped whatever the test does.
public final class SMTPTestServer: Sendable {
    /// One line of the server's record.
    public struct Event: Decodable, Sendable {
        public struct Parsed: Decodable, Sendable {
            public var header_names: [String]
            public var subject: String
            public var from: String
            public var to: String
            public var message_id: String
            public var content_type: String
            public var parts: [String]
            public var text: String?
            public var html: String?
            public var defects: [String]
        }

        public var event: String
        /// The name the client gave in EHLO (`ehlo` events).
        public var name: String?
        public var connection: Int
        public var mail_from: String?
        public var mail_options: [String]?
        public var rcpt_tos: [String]?
        public var data: String?
        public var parsed: Parsed?

        /// The message bytes as the server received them (dots unstuffed).
        public var bytes: [UInt8] { data.flatMap { Data(base64Encoded: $0) }.map(Array.init) ?? [] }
    }

    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp_server.py")

    public let port: Int
    private let process: Process
    private let directory: URL
    private var eventsFile: URL { directory.appendingPathComponent("events.jsonl") }

    private init(process: Process, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    /// Starts the server with `arguments` (see `smtp_server.py --help`) and waits until it listens.
    public static func start(_ arguments: [String] = []) async throws -> SMTPTestServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stdout = directory.appendingPathComponent("stdout")
        let stderr = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--port", "0", "--output", directory.appendingPathComponent("events.jsonl").path] + arguments
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()

        let deadline = ContinuousClock.now + .seconds(60)  // generous: dozens start at once when tests run in parallel
        while ContinuousClock.now < deadline {
            let printed = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
            if let line = printed.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }),
               let port = Int(line.dropFirst("READY ".count)) {
                return SMTPTestServer(process: process, port: port, directory: directory)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let errors = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: directory)
        throw TestFailure("smtp_server.py did not start (is aiosmtpd installed? pip install -r Tests/requirements.txt): \(errors)")
    }

    /// Runs `body` with a started server, and stops the server afterwards.
    public static func with<T>(_ arguments: [String] = [], _ body: (SMTPTestServer) async throws -> T) async throws -> T {
        try await using(try await start(arguments), stop: { await $0.stop() }, body)
    }

    /// Everything the server recorded so far.
    public func events() throws -> [Event] {
        guard let text = try? String(contentsOf: eventsFile, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    public func messages() throws -> [Event] { try events().filter { $0.event == "message" } }
    public func connectionCount() throws -> Int { try events().filter { $0.event == "connect" }.count }

    /// Stops the process (SIGTERM, SIGKILL if it lingers) and removes its files.
    public func stop() async {
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
        try? FileManager.default.removeItem(at: directory)
    }
}


