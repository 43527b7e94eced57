import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import SMSRelayCore
import Testing
import TestSupport

/// Every carrier's documented example payloads (the fixtures of SMSRelayCoreTests) through a
/// whole relay, signed as the carrier signs them: each message is one email, a receipt or an
/// event the relay does not handle is answered and kept without an email, and the same
/// webhooks posted again add none.
@Suite("Carrier fixtures over HTTP")
struct CarrierFixtureTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("SMSRelayCoreTests/Fixtures")

    static func fixtures(_ carrier: Carrier) throws -> [(name: String, bytes: [UInt8])] {
        let directory = folder.appendingPathComponent(carrier.rawValue)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map { name in
            var bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
            if name.hasSuffix(".txt") {
                bytes = Array(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
            }
            return (name, bytes)
        }
    }

    /// How many distinct messages the fixtures hold, as the parser reads them.
    static func messages(_ carrier: Carrier, in fixtures: [(name: String, bytes: [UInt8])]) throws -> Int {
        var ids: Set<String> = []
        for fixture in fixtures {
            for case .message(let message) in try carrier.read(fixture.bytes, receivedAt: Date()).events {
                ids.insert(message.id)
            }
        }
        return ids.count
    }

    /// Posts every fixture (twice) with `request`, then expects one email per message.
    func check(
        _ carrier: Carrier, environment: [String: String] = [:],
        _ request: @escaping @Sendable (any TestClientProtocol, [UInt8]) async throws -> TestResponse
    ) async throws {
        let fixtures = try Self.fixtures(carrier)
        let expected = try Self.messages(carrier, in: fixtures)
        #expect(expected >= 2, "\(carrier.rawValue)'s fixtures hold an SMS and an MMS at least")
        try await withTemporaryDirectory { dir in
            // The fixtures' media are on the carriers' hosts: links only, nothing fetched.
            try await withLiveRelay(dir: dir, extra: ["media_fetch": "false"], environment: environment) { client, assembly in
                for round in 0..<2 {
                    for fixture in fixtures {
                        let response = try await request(client, fixture.bytes)
                        #expect(response.status == .ok, "\(carrier.rawValue)/\(fixture.name), round \(round): \(String(buffer: response.body))")
                    }
                }
                let maildir = assembly.settings.maildir
                try await eventually("\(expected) emails") { try maildirMessages(maildir).count >= expected }
                #expect(try await assembly.store.list([.inbound], status: nil, limit: 100).count == expected)
                #expect(try maildirMessages(maildir).count == expected, "one email per message, none for a retry")
            }
        }
    }

    @Test("Twilio's and SignalWire's examples, signed by twilio's RequestValidator: one email per message, receipts kept")
    func twilio() async throws {
        let token = CarrierCallbackTests.twilioAuthToken
        var signatures: [[UInt8]: String] = [:]
        for fixture in try Self.fixtures(.twilio) {
            signatures[fixture.bytes] = try await CarrierCallbackTests.twilioSignature(
                url: "\(CarrierCallbackTests.publicURL)/twilio/\(testToken)", body: String(decoding: fixture.bytes, as: UTF8.self), token: token)
        }
        let known = signatures
        try await check(.twilio, environment: ["SMSRELAY_TWILIO_AUTH_TOKEN": token, "SMSRELAY_PUBLIC_URL": CarrierCallbackTests.publicURL]) { client, body in
            try await client.execute(
                uri: "/twilio/\(testToken)", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Twilio-Signature")!: known[body] ?? ""],
                body: ByteBuffer(bytes: body))
        }
    }

    @Test("Telnyx's examples, signed with a fresh Ed25519 key: one email per message (the group MMS once), receipts kept")
    func telnyx() async throws {
        let keys = try await CarrierCallbackTests.telnyxKeys()
        let now = Int(Date().timeIntervalSince1970)
        var signatures: [[UInt8]: String] = [:]
        for fixture in try Self.fixtures(.telnyx) {
            signatures[fixture.bytes] = try await CarrierCallbackTests.telnyxSignature(
                seed: keys.seed, timestamp: now, body: String(decoding: fixture.bytes, as: UTF8.self))
        }
        let known = signatures
        try await check(.telnyx, environment: ["SMSRELAY_TELNYX_PUBLIC_KEY": keys.publicKey]) { client, body in
            try await client.execute(
                uri: "/telnyx/\(testToken)", method: .post,
                headers: [
                    .contentType: "application/json", HTTPField.Name("telnyx-signature-ed25519")!: known[body] ?? "",
                    HTTPField.Name("telnyx-timestamp")!: "\(now)",
                ],
                body: ByteBuffer(bytes: body))
        }
    }

    @Test("Bandwidth's examples: one email per message, receipts kept, an event it does not handle answered")
    func bandwidth() async throws {
        try await check(.bandwidth, environment: ["SMSRELAY_BANDWIDTH_ACCOUNT_ID": "9900000"]) { client, body in
            try await client.execute(
                uri: "/bandwidth/\(testToken)", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body))
        }
    }

    @Test("VoIP.ms's URL callbacks, as GET queries: one email per message, answered ok")
    func voipms() async throws {
        try await check(.voipms, environment: ["SMSRELAY_CARRIERS": "voipms"]) { client, query in
            // As an HTTP client writes it: a brace of an unfilled placeholder percent-encoded.
            let target = String(decoding: query, as: UTF8.self).replacingOccurrences(of: "{", with: "%7B").replacingOccurrences(of: "}", with: "%7D")
            return try await client.execute(uri: "/voipms/\(testToken)?\(target)", method: .get)
        }
    }
}
