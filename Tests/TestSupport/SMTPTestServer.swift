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
        /// The Message-ID of a `data-hang` or `aborted` event.
        public var message_id: String?
        /// The name the client gave in EHLO (`ehlo` events).
        public var name: String?
        public var connection: Int
        /// How many DATA commands a `barrier` event held at once (`--data-barrier`).
        public var held: Int?
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
    private let peer: PythonPeer
    private var eventsFile: URL { peer.directory.appendingPathComponent("events.jsonl") }

    private init(peer: PythonPeer) {
        self.peer = peer
        self.port = peer.readyNumbers[0]
    }

    /// Starts the server with `arguments` (see `smtp_server.py --help`) and waits until it listens.
    public static func start(_ arguments: [String] = []) async throws -> SMTPTestServer {
        let peer = try await PythonPeer.start(
            "smtp_server.py", prefix: "smtp-test", advice: "is aiosmtpd installed? pip install -r Tests/requirements.txt"
        ) { directory in
            ["--port", "0", "--output", directory.appendingPathComponent("events.jsonl").path] + arguments
        }
        return SMTPTestServer(peer: peer)
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
        await peer.stop()
    }
}
