import AsyncHTTPClient
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `flowroute_api.py` in a child process on 127.0.0.1: Flowroute's Messaging API v2.1 as far as
/// sending an SMS goes, with the answers Flowroute documents, for the credentials it was started
/// with. ``script(_:)`` makes it answer the next requests with given statuses; ``requests()``
/// tells what it received and when.
public final class FakeFlowrouteAPI: Sendable {
    /// A status for ``script(_:)``: read the request and never answer.
    public static let noAnswer = 0

    /// One request the fake received.
    public struct Request: Decodable, Sendable {
        public var method: String
        public var path: String
        public var headers: [[String]]
        /// The body as text.
        public var body: String
        /// When it arrived, in seconds of the fake's monotonic clock: compare them with each other only.
        public var time: Double

        /// The values of the header `name`, compared without regard to case.
        public func header(_ name: String) -> [String] {
            headers.filter { $0.first?.lowercased() == name.lowercased() }.compactMap { $0.last }
        }

        /// The body parsed as JSON, if it is.
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }

        /// `data.type` of the JSON:API document.
        public var dataType: String? {
            (json?["data"] as? [String: Any])?["type"] as? String
        }

        /// The string attributes of the JSON:API document (`data.attributes`): `to`, `from`, `body`, `dlr_callback`.
        public var attributes: [String: String] {
            let attributes = (json?["data"] as? [String: Any])?["attributes"] as? [String: Any] ?? [:]
            return attributes.compactMapValues { $0 as? String }
        }

        /// The names of every attribute, whatever their values.
        public var attributeNames: Set<String> {
            Set(((json?["data"] as? [String: Any])?["attributes"] as? [String: Any] ?? [:]).keys)
        }
    }

    public let port: Int
    public let accessKey: String
    public let secretKey: String
    private let peer: PythonPeer

    private init(peer: PythonPeer, accessKey: String, secretKey: String) {
        self.peer = peer
        self.port = peer.readyNumbers[0]
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    /// `http://127.0.0.1:PORT`, the base URL to give the client.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Starts the fake for the given credentials and waits until it listens.
    public static func start(accessKey: String = "test-access-key", secretKey: String = "test-secret-key-0123456789abcdef") async throws -> FakeFlowrouteAPI {
        let peer = try await PythonPeer.start("flowroute_api.py", prefix: "flowroute-fake") { _ in
            ["--port", "0", "--access-key", accessKey, "--secret-key", secretKey]
        }
        return FakeFlowrouteAPI(peer: peer, accessKey: accessKey, secretKey: secretKey)
    }

    /// Runs `body` with a started fake, and stops it afterwards.
    public static func with<T>(
        accessKey: String = "test-access-key", secretKey: String = "test-secret-key-0123456789abcdef",
        _ body: (FakeFlowrouteAPI) async throws -> T
    ) async throws -> T {
        try await using(try await start(accessKey: accessKey, secretKey: secretKey), stop: { await $0.stop() }, body)
    }

    /// Answers the next requests with `statuses`, in order, before any check; then normally again.
    /// An error status gets a Flowroute error document, a 2xx a normal answer, ``noAnswer`` none.
    public func script(_ statuses: [Int]) async throws {
        _ = try await control("script", body: try JSONSerialization.data(withJSONObject: statuses))
    }

    /// Every request received outside the control endpoints, oldest first.
    public func requests() async throws -> [Request] {
        struct Reply: Decodable { var requests: [Request] }
        return try JSONDecoder().decode(Reply.self, from: try await control("requests")).requests
    }

    /// Stops the process (SIGTERM, SIGKILL if it lingers) and removes its files.
    public func stop() async {
        await peer.stop()
    }

    /// GETs `/__control/endpoint`, or POSTs `body` to it.
    private func control(_ endpoint: String, body: Data? = nil) async throws -> Data {
        try await PythonPeer.control(port: port, endpoint, body: body, peer: "flowroute_api.py")
    }
}
