import Foundation

/// `credential_server.py` in a child process on 127.0.0.1: the container credentials endpoint
/// or the EC2 instance metadata service (IMDSv2), handing out new short-lived credentials at
/// each request and refusing requests without their token. Each test starts its own.
public final class CredentialServer: Sendable {
    public enum Mode: String, Sendable {
        case container
        case instanceMetadata = "imds"
    }

    /// One request the server received.
    public struct Request: Decodable, Sendable {
        public var method: String
        public var path: String
        public var headers: [[String]]
        /// The status it was answered with.
        public var status: Int?
        /// The access key handed out, if credentials were.
        public var issued: String?

        /// The values of the header `name`, compared without regard to case.
        public func header(_ name: String) -> [String] {
            headers.filter { $0.first?.lowercased() == name.lowercased() }.compactMap { $0.last }
        }
    }

    public let port: Int
    private let peer: PythonPeer

    private init(peer: PythonPeer) {
        self.peer = peer
        port = peer.readyNumbers[0]
    }

    /// `http://127.0.0.1:PORT` and `path`.
    public func url(_ path: String = "") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Starts a server and waits until it listens.
    /// - Parameters:
    ///   - token: the container endpoint's required `Authorization` value.
    ///   - role: the metadata service's instance profile role; none answers 404.
    public static func start(_ mode: Mode, token: String? = nil, role: String? = nil) async throws -> CredentialServer {
        var arguments = ["--port", "0", "--mode", mode.rawValue]
        if let token { arguments += ["--token", token] }
        if let role { arguments += ["--role", role] }
        return CredentialServer(peer: try await PythonPeer.start("credential_server.py", prefix: "credential-server") { _ in arguments })
    }

    /// Runs `body` with a started server, and stops the server afterwards.
    public static func with<T>(
        _ mode: Mode, token: String? = nil, role: String? = nil, _ body: (CredentialServer) async throws -> T
    ) async throws -> T {
        try await using(try await start(mode, token: token, role: role), stop: { await $0.stop() }, body)
    }

    /// Makes the next credentials answers these statuses (a 2xx answers normally).
    public func script(_ statuses: [Int]) async throws {
        _ = try await control("script", body: try JSONSerialization.data(withJSONObject: statuses))
    }

    /// Credentials handed out from now on expire this long after they are (negative: already expired).
    public func setLifetime(seconds: Int) async throws {
        _ = try await control("lifetime", body: try JSONSerialization.data(withJSONObject: ["seconds": seconds]))
    }

    /// The container endpoint's required token from now on.
    public func requireToken(_ token: String) async throws {
        _ = try await control("token", body: try JSONSerialization.data(withJSONObject: ["token": token]))
    }

    /// Credentials answers wait until ``release()``, or at most `seconds` when given.
    public func hold(atMost seconds: Int? = nil) async throws {
        _ = try await control("hold", body: Data((seconds.map { #"{"seconds": \#($0)}"# } ?? "{}").utf8))
    }

    public func release() async throws {
        _ = try await control("release", body: Data("{}".utf8))
    }

    /// Every request received outside `/__control/`, oldest first.
    public func requests() async throws -> [Request] {
        struct Reply: Decodable { var requests: [Request] }
        return try JSONDecoder().decode(Reply.self, from: try await control("requests")).requests
    }

    /// How many times credentials were handed out.
    public func issuedCount() async throws -> Int {
        try await requests().filter { $0.issued != nil }.count
    }

    public func stop() async {
        await peer.stop()
    }

    private func control(_ endpoint: String, body: Data? = nil) async throws -> Data {
        try await PythonPeer.control(port: port, endpoint, body: body, peer: "credential_server.py")
    }
}
