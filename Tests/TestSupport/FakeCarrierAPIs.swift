import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// `carrier_apis.py` in a child process on 127.0.0.1: Twilio's, Telnyx's, Bandwidth's and
/// VoIP.ms's send-a-text APIs, each at its own path, with the answers the carriers document, for
/// the ``Credentials`` it was started with. ``script(_:forRequestsContaining:)`` makes it answer
/// given statuses or bodies next; ``requests(containing:)`` tells what it received.
///
/// A suite shares one: tests that run at once tell their requests apart by a marker in the
/// text they send (``marker()``), and script answers for that marker only.
public final class FakeCarrierAPIs: Sendable {
    /// The accounts the fake knows.
    public struct Credentials: Sendable, Encodable {
        public var twilioAccountSID = "AC0123456789abcdef0123456789abcdef"
        public var twilioAuthToken = "twilio-auth-token-0123456789abcdef"
        public var telnyxAPIKey = "KEY0123456789ABCDEF_telnyx-secret-key"
        public var bandwidthAccountID = "9900001"
        public var bandwidthUsername = "bandwidth-api-user"
        public var bandwidthPassword = "bandwidth-password-0123456789"
        public var voipmsUsername = "owner@example.com"
        /// With characters that a query must encode, to prove the client encodes them and hides them.
        public var voipmsPassword = "voipms+pass&word=0123/?"

        public init() {}

        enum CodingKeys: String, CodingKey {
            case twilioAccountSID = "twilio_account_sid", twilioAuthToken = "twilio_auth_token", telnyxAPIKey = "telnyx_api_key"
            case bandwidthAccountID = "bandwidth_account_id", bandwidthUsername = "bandwidth_username", bandwidthPassword = "bandwidth_password"
            case voipmsUsername = "voipms_username", voipmsPassword = "voipms_password"
        }

        /// Every secret, for checks that none is shown.
        public var secrets: [String] { [twilioAuthToken, telnyxAPIKey, bandwidthPassword, voipmsPassword] }
    }

    /// One scripted answer.
    public struct Answer: Sendable, Encodable {
        public var status: Int
        /// The body as sent; `nil` for the API's own (a success, or its error document).
        public var body: String?
        public var contentType: String?

        public init(status: Int, body: String? = nil, contentType: String? = nil) {
            self.status = status
            self.body = body
            self.contentType = contentType
        }

        enum CodingKeys: String, CodingKey {
            case status, body, contentType = "content_type"
        }

        /// `status` with the API's own body.
        public static func status(_ status: Int) -> Answer { Answer(status: status) }
        /// `status` with `json` as the body.
        public static func json(_ status: Int, _ json: String) -> Answer { Answer(status: status, body: json, contentType: "application/json") }
        /// Read the request and never answer.
        public static let noAnswer = Answer(status: 0)
    }

    /// One request the fake received.
    public struct Request: Decodable, Sendable {
        public var method: String
        public var path: String
        /// The raw query, as sent.
        public var query: String
        public var headers: [[String]]
        /// The body as text.
        public var body: String
        public var time: Double

        /// The values of the header `name`, compared without regard to case.
        public func header(_ name: String) -> [String] {
            headers.filter { $0.first?.lowercased() == name.lowercased() }.compactMap { $0.last }
        }

        /// The body parsed as a JSON object, if it is one.
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }

        /// The body's form fields (`application/x-www-form-urlencoded`), decoded.
        public var form: [String: String] { Self.fields(body) }

        /// The query's fields, decoded.
        public var queryItems: [String: String] { Self.fields(query) }

        static func fields(_ text: String) -> [String: String] {
            var fields: [String: String] = [:]
            for pair in text.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                func decode(_ part: Substring) -> String {
                    String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
                }
                fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
            }
            return fields
        }
    }

    public let port: Int
    public let credentials: Credentials
    private let peer: PythonPeer

    private init(peer: PythonPeer, credentials: Credentials) {
        self.peer = peer
        self.port = peer.readyNumbers[0]
        self.credentials = credentials
    }

    /// `http://127.0.0.1:PORT`, the base URL to give each client.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// The fake of the suite, within a suite that has the ``Trait/fakeCarrierAPIs`` trait.
    @TaskLocal public static var current: FakeCarrierAPIs?

    /// A text no other test sends, to put in a text's body and find its requests by.
    public static func marker() -> String {
        "m" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    }

    /// Starts the fake and waits until it listens.
    public static func start(credentials: Credentials = Credentials()) async throws -> FakeCarrierAPIs {
        let json = String(decoding: try JSONEncoder().encode(credentials), as: UTF8.self)
        let peer = try await PythonPeer.start("carrier_apis.py", prefix: "carrier-apis-fake") { _ in
            ["--port", "0", "--credentials", json]
        }
        return FakeCarrierAPIs(peer: peer, credentials: credentials)
    }

    /// Runs `body` with a started fake, and stops it afterwards.
    public static func with<T>(credentials: Credentials = Credentials(), _ body: (FakeCarrierAPIs) async throws -> T) async throws -> T {
        try await using(try await start(credentials: credentials), stop: { await $0.stop() }, body)
    }

    /// Answers the next requests that contain `marker` (any request when `nil`) with `answers`, in order, before any check.
    public func script(_ answers: [Answer], forRequestsContaining marker: String?) async throws {
        struct Script: Encodable { var match: String?; var answers: [Answer] }
        _ = try await PythonPeer.control(
            port: port, "script", body: try JSONEncoder().encode(Script(match: marker, answers: answers)), peer: "carrier_apis.py")
    }

    /// The requests received outside the control endpoints (those containing `marker`, when given), oldest first.
    public func requests(containing marker: String? = nil) async throws -> [Request] {
        struct Reply: Decodable { var requests: [Request] }
        let query = marker.map { "?match=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" } ?? ""
        let data = try await PythonPeer.control(port: port, "requests\(query)", peer: "carrier_apis.py")
        return try JSONDecoder().decode(Reply.self, from: data).requests
    }

    /// Stops the process (SIGTERM, SIGKILL if it lingers) and removes its files.
    public func stop() async {
        await peer.stop()
    }
}

/// Gives a suite one ``FakeCarrierAPIs``, started before its first test and stopped after its last.
public struct FakeCarrierAPIsTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        try await FakeCarrierAPIs.with { fake in
            try await FakeCarrierAPIs.$current.withValue(fake) {
                try await function()
            }
        }
    }
}

extension Trait where Self == FakeCarrierAPIsTrait {
    /// Runs the suite against its own `carrier_apis.py`.
    public static var fakeCarrierAPIs: Self { Self() }
}
