import Foundation

/// `smtp_server.py` (aiosmtpd) in a child process on 127.0.0.1, for tests against a real server.
///
/// Use ``with(_:_:)`` so the process is stopped whatever the test does.
final class SMTPTestServer: Sendable {
    /// One line of the server's record.
    struct Event: Decodable, Sendable {
        struct Parsed: Decodable, Sendable {
            var header_names: [String]
            var subject: String
            var from: String
            var to: String
            var message_id: String
            var content_type: String
            var parts: [String]
            var text: String?
            var html: String?
            var defects: [String]
        }

        var event: String
        var connection: Int
        var mail_from: String?
        var mail_options: [String]?
        var rcpt_tos: [String]?
        var data: String?
        var parsed: Parsed?

        /// The message bytes as the server received them (dots unstuffed).
        var bytes: [UInt8] { data.flatMap { Data(base64Encoded: $0) }.map(Array.init) ?? [] }
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp_server.py")

    let port: Int
    private let process: Process
    private let directory: URL
    private var eventsFile: URL { directory.appendingPathComponent("events.jsonl") }

    private init(process: Process, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    /// Starts the server with `arguments` (see `smtp_server.py --help`) and waits until it listens.
    static func start(_ arguments: [String] = []) async throws -> SMTPTestServer {
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

        let deadline = ContinuousClock.now + .seconds(15)
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
    static func with<T>(_ arguments: [String] = [], _ body: (SMTPTestServer) async throws -> T) async throws -> T {
        let server = try await start(arguments)
        do {
            let result = try await body(server)
            server.stop()
            return result
        } catch {
            server.stop()
            throw error
        }
    }

    /// Everything the server recorded so far.
    func events() throws -> [Event] {
        guard let text = try? String(contentsOf: eventsFile, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    func messages() throws -> [Event] { try events().filter { $0.event == "message" } }
    func connectionCount() throws -> Int { try events().filter { $0.event == "connect" }.count }

    /// Stops the process (SIGTERM, then waits) and removes its files.
    func stop() {
        if process.isRunning {
            process.terminate()
        }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A port on 127.0.0.1 where nothing listens: bound, then released.
    static func closedPort() throws -> Int {
        let server = Process()
        let output = Pipe()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()"]
        server.standardOutput = output
        try server.run()
        server.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("could not find a free port: \(text)")
        }
        return port
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
