import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `media_server.py` in a child process on 127.0.0.1: an HTTP server whose routes each test adds
/// at run time, so one server can serve a whole suite (see ``MediaTestServerTrait``). Use a path
/// of the test's own; only requests outside `/__control/` are counted.
public final class MediaTestServer: Sendable {
    /// One request the server received.
    public struct Request: Decodable, Sendable {
        public var method: String
        public var path: String
        public var headers: [[String]]

        /// The values of the header `name`, compared without regard to case.
        public func header(_ name: String) -> [String] {
            headers.filter { $0.first?.lowercased() == name.lowercased() }.compactMap { $0.last }
        }
    }

    struct State: Decodable {
        var hits: Int
        var bytes_written: Int
        var finished: Bool
    }

    /// The server the current suite shares (see ``MediaTestServerTrait``).
    @TaskLocal public static var current: MediaTestServer?

    public let port: Int
    /// The port serving the same routes over TLS, when started with a certificate.
    public let tlsPort: Int?
    private let peer: PythonPeer

    private init(peer: PythonPeer) {
        self.peer = peer
        self.port = peer.readyNumbers[0]
        self.tlsPort = peer.readyNumbers.dropFirst().first
    }

    /// `127.0.0.1:PORT`, for the trusted-hosts setting.
    public var hostAndPort: String { "127.0.0.1:\(port)" }

    /// `scheme://host:PORT/path` on this server's port.
    public func url(_ path: String, scheme: String = "http", host: String = "127.0.0.1") -> String {
        "\(scheme)://\(host):\(port)\(path)"
    }

    /// Starts the server and waits until it listens; `--tls-cert PEM --tls-key PEM` adds ``tlsPort``.
    public static func start(_ arguments: [String] = []) async throws -> MediaTestServer {
        MediaTestServer(peer: try await PythonPeer.start("media_server.py", prefix: "media-test") { _ in ["--port", "0"] + arguments })
    }

    /// Runs `body` with a started server, and stops the server afterwards.
    public static func with<T>(_ arguments: [String] = [], _ body: (MediaTestServer) async throws -> T) async throws -> T {
        try await using(try await start(arguments), stop: { await $0.stop() }, body)
    }

    /// Serves `bytes` at `path`; the first `failFirst` requests get `failStatus` instead.
    public func serve(_ path: String, bytes: [UInt8], contentType: String?, failFirst: Int = 0, failStatus: Int = 500) async throws {
        var route: [String: Any] = [
            "path": path, "kind": "serve", "body": Data(bytes).base64EncodedString(),
            "fail_first": failFirst, "fail_status": failStatus,
        ]
        if let contentType { route["content_type"] = contentType }
        try await addRoute(route)
    }

    /// Answers every request for `path` with `status` and a short text body.
    public func respond(_ path: String, status: Int) async throws {
        try await addRoute(["path": path, "kind": "status", "status": status])
    }

    /// Redirects `path` to `location`, sent as given (absolute or relative).
    public func redirect(_ path: String, to location: String, status: Int = 302) async throws {
        try await addRoute(["path": path, "kind": "redirect", "location": location, "status": status])
    }

    /// Accepts requests for `path` and never answers them (until the server stops).
    public func hang(_ path: String) async throws {
        try await addRoute(["path": path, "kind": "hang"])
    }

    /// Streams `totalBytes` zeros at `path`, 64 KiB every 50 ms, with a `Content-Length` or
    /// chunked; ``bytesWritten(_:)`` tells how far it got before the client went away.
    public func slowBody(_ path: String, totalBytes: Int, declareLength: Bool) async throws {
        try await addRoute(["path": path, "kind": "slow", "total": totalBytes, "declare_length": declareLength])
    }

    /// Requests received for `path` (its query ignored).
    public func hits(_ path: String) async throws -> Int {
        try await state(path).hits
    }

    /// Every request received, oldest first.
    public func requests() async throws -> [Request] {
        struct Reply: Decodable { var requests: [Request] }
        return try JSONDecoder().decode(Reply.self, from: try await control("requests")).requests
    }

    /// The body bytes the last slow answer at `path` wrote, once it has ended (finished, or the
    /// client went away); waits for that.
    public func bytesWritten(_ path: String) async throws -> Int {
        // The server writes at its own pace (about 1.3 MB/s) into the socket's buffers until the
        // client's close reaches it; on a loaded machine that can take a while, so the limits the
        // tests check leave seconds of room and the wait is long.
        try await eventually(timeout: .seconds(90), "the slow answer at \(path) to end") { try await state(path).finished }
        return try await state(path).bytes_written
    }

    /// Stops the process (SIGTERM, SIGKILL if it lingers) and removes its files.
    public func stop() async {
        await peer.stop()
    }

    private func state(_ path: String) async throws -> State {
        let query = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? path
        return try JSONDecoder().decode(State.self, from: try await control("state?path=\(query)"))
    }

    private func addRoute(_ route: [String: Any]) async throws {
        _ = try await control("route", body: try JSONSerialization.data(withJSONObject: route))
    }

    /// GETs `/__control/endpoint`, or POSTs `body` to it.
    private func control(_ endpoint: String, body: Data? = nil) async throws -> Data {
        try await PythonPeer.control(port: port, endpoint, body: body, peer: "media_server.py")
    }
}

/// Gives a suite one media server, started before its first test and stopped after its last.
public struct MediaTestServerTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public init() {}

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        try await MediaTestServer.with { server in
            try await MediaTestServer.$current.withValue(server) {
                try await function()
            }
        }
    }
}

extension Trait where Self == MediaTestServerTrait {
    /// Runs the suite against its own `media_server.py`.
    public static var mediaServer: Self { Self() }
}
