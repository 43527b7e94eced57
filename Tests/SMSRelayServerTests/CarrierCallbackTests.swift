import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Each carrier's callback through a whole relay on a live loopback port: signed the way the
/// carrier signs it, by the carrier's own code where there is some (the `twilio` package's
/// RequestValidator; PyNaCl for Telnyx's Ed25519), and refused 403 when the proof is wrong, 404
/// when the token is.
@Suite("Carrier callbacks over HTTP")
struct CarrierCallbackTests {
    static let twilioAuthToken = "0123456789abcdef0123456789abcdef"
    static let publicURL = "https://sms.example.com"

    static let twilioSMS = [
        "ToCountry=US", "ToState=WA", "SmsMessageSid=SM1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d", "NumMedia=0", "ToCity=SEATTLE",
        "FromZip=98101", "SmsSid=SM1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d", "FromState=WA", "SmsStatus=received", "FromCity=SEATTLE",
        "Body=Hello+from+Twilio+%26+friends", "FromCountry=US", "To=%2B12066418000", "ToZip=98101", "NumSegments=1",
        "MessageSid=SM1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d", "AccountSid=AC00000000000000000000000000000000",
        "From=%2B18553569768", "ApiVersion=2010-04-01",
    ].joined(separator: "&")

    /// The X-Twilio-Signature the official package computes for `body` posted to `url`.
    static func twilioSignature(url: String, body: String, token: String = twilioAuthToken) async throws -> String {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("body")
            try Data(body.utf8).write(to: file)
            let printed = try await PythonScript.run("carrier_signatures.py", ["twilio", token, url, file.path])
            return String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    func postTwilio(_ client: some TestClientProtocol, _ body: String, signature: String?, token: String = testToken) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let signature { headers[HTTPField.Name("X-Twilio-Signature")!] = signature }
        return try await client.execute(uri: "/twilio/\(token)", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    var twilioEnvironment: [String: String] {
        ["SMSRELAY_TWILIO_AUTH_TOKEN": Self.twilioAuthToken, "SMSRELAY_PUBLIC_URL": Self.publicURL]
    }

    @Test("a Twilio SMS signed by twilio's RequestValidator is one email, answered with empty TwiML; its retry adds none")
    func twilioSigned() async throws {
        let signature = try await Self.twilioSignature(url: "\(Self.publicURL)/twilio/\(testToken)", body: Self.twilioSMS)
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir, environment: twilioEnvironment) { client, assembly in
                let first = try await postTwilio(client, Self.twilioSMS, signature: signature)
                #expect(first.status == .ok)
                #expect(first.headers[.contentType]?.hasPrefix("text/xml") == true)
                #expect(String(buffer: first.body) == #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#)
                let again = try await postTwilio(client, Self.twilioSMS, signature: signature)
                #expect(again.status == .ok)
                let maildir = assembly.settings.maildir
                try await eventually("the email") { try maildirMessages(maildir).count == 1 }
                let rows = try await assembly.store.list(status: nil, limit: 10)
                #expect(rows.count == 1, "the retry was a duplicate")
                let mail = try #require(try maildirMessages(maildir).first)
                #expect(mail.contains("Hello from Twilio & friends"))
                #expect(mail.contains("+1 855-356-9768"))
            }
        }
    }

    @Test("a tampered parameter, a URL other than the public one and a missing signature get 403; a wrong token 404 first")
    func twilioRefusals() async throws {
        let good = try await Self.twilioSignature(url: "\(Self.publicURL)/twilio/\(testToken)", body: Self.twilioSMS)
        let tampered = Self.twilioSMS.replacingOccurrences(of: "Body=Hello", with: "Body=Hullo")
        let otherURL = try await Self.twilioSignature(url: "https://elsewhere.example.com/twilio/\(testToken)", body: Self.twilioSMS)
        let otherToken = try await Self.twilioSignature(
            url: "\(Self.publicURL)/twilio/\(testToken)", body: Self.twilioSMS, token: "another-auth-token-0000000000000")
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir, environment: twilioEnvironment) { client, assembly in
                for (body, signature) in [(tampered, good), (Self.twilioSMS, otherURL), (Self.twilioSMS, otherToken)] {
                    let response = try await postTwilio(client, body, signature: signature)
                    #expect(response.status == .forbidden)
                    #expect(String(buffer: response.body).contains("X-Twilio-Signature does not match"))
                }
                let unsigned = try await postTwilio(client, Self.twilioSMS, signature: nil)
                #expect(unsigned.status == .forbidden)
                #expect(String(buffer: unsigned.body).contains("no X-Twilio-Signature"))
                let wrongToken = try await postTwilio(client, Self.twilioSMS, signature: nil, token: "wrong-token-0123456789abcdef")
                #expect(wrongToken.status == .notFound)
                #expect(try await assembly.store.list(status: nil, limit: 10).isEmpty, "nothing refused was stored")
            }
        }
    }

    // MARK: - Telnyx

    struct TelnyxKeys: Decodable {
        var seed: String
        var publicKey: String

        enum CodingKeys: String, CodingKey {
            case seed
            case publicKey = "public_key"
        }
    }

    static func telnyxKeys() async throws -> TelnyxKeys {
        try JSONDecoder().decode(TelnyxKeys.self, from: try await PythonScript.run("carrier_signatures.py", ["telnyx-keys"]))
    }

    static func telnyxSignature(seed: String, timestamp: Int, body: String) async throws -> String {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("body")
            try Data(body.utf8).write(to: file)
            let printed = try await PythonScript.run("carrier_signatures.py", ["telnyx", seed, String(timestamp), file.path])
            return String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    static let telnyxSMS = """
        {"data": {"event_type": "message.received", "id": "b301ed3f-1490-491f-995f-6e64e69674d4", \
        "occurred_at": "2024-01-15T20:16:07.588+00:00", "record_type": "event", "payload": {"direction": "inbound", \
        "from": {"carrier": "T-Mobile USA", "line_type": "long_code", "phone_number": "+18553569768"}, \
        "id": "84cca175-9755-4859-b67f-4730d7f58aa3", "media": [], "received_at": "2024-01-15T20:16:07.503+00:00", \
        "text": "Hello from Telnyx", "to": [{"carrier": "Telnyx", "line_type": "Wireless", "phone_number": "+12066418000", \
        "status": "webhook_delivered"}], "type": "SMS"}}, "meta": {"attempt": 1, "delivered_to": "https://sms.example.com/telnyx"}}
        """

    func postTelnyx(_ client: some TestClientProtocol, _ body: String, signature: String, timestamp: Int) async throws -> TestResponse {
        try await client.execute(
            uri: "/telnyx/\(testToken)", method: .post,
            headers: [
                .contentType: "application/json", HTTPField.Name("telnyx-signature-ed25519")!: signature,
                HTTPField.Name("telnyx-timestamp")!: String(timestamp),
            ],
            body: ByteBuffer(string: body))
    }

    @Test("a Telnyx message signed with a fresh Ed25519 key is one email; a stale timestamp, another body or key get 403")
    func telnyxSigned() async throws {
        let keys = try await Self.telnyxKeys()
        let other = try await Self.telnyxKeys()
        let now = Int(Date().timeIntervalSince1970)
        let signature = try await Self.telnyxSignature(seed: keys.seed, timestamp: now, body: Self.telnyxSMS)
        let stale = try await Self.telnyxSignature(seed: keys.seed, timestamp: now - 600, body: Self.telnyxSMS)
        let otherKey = try await Self.telnyxSignature(seed: other.seed, timestamp: now, body: Self.telnyxSMS)
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir, environment: ["SMSRELAY_TELNYX_PUBLIC_KEY": keys.publicKey]) { client, assembly in
                let refused = [
                    try await postTelnyx(client, Self.telnyxSMS, signature: stale, timestamp: now - 600),
                    try await postTelnyx(client, Self.telnyxSMS.replacingOccurrences(of: "Hello", with: "Hullo"), signature: signature, timestamp: now),
                    try await postTelnyx(client, Self.telnyxSMS, signature: otherKey, timestamp: now),
                    try await postTelnyx(client, Self.telnyxSMS, signature: signature, timestamp: now + 1),
                ]
                #expect(refused.map(\.status) == [.forbidden, .forbidden, .forbidden, .forbidden])
                #expect(String(buffer: refused[0].body).contains("replayed or delayed"))
                #expect(try await assembly.store.list(status: nil, limit: 10).isEmpty)

                #expect(try await postTelnyx(client, Self.telnyxSMS, signature: signature, timestamp: now).status == .ok)
                #expect(try await postTelnyx(client, Self.telnyxSMS, signature: signature, timestamp: now).status == .ok)
                let maildir = assembly.settings.maildir
                try await eventually("the email") { try maildirMessages(maildir).count == 1 }
                #expect(try await assembly.store.list(status: nil, limit: 10).count == 1)
                #expect(try maildirMessages(maildir).first?.contains("Hello from Telnyx") == true)
            }
        }
    }

    // MARK: - Bandwidth

    static let bandwidthSMS = """
        [{"type": "message-received", "time": "2024-01-15T20:16:07.588Z", "description": "Incoming message received", \
        "to": "+12066418000", "message": {"id": "14762070468292kw2fuqty55yp2b2", "time": "2024-01-15T20:16:07.503Z", \
        "to": ["+12066418000"], "from": "+18553569768", "text": "Hello from Bandwidth", \
        "applicationId": "93de2206-9669-4e07-948d-329f4b722ee2", "owner": "+12066418000", "direction": "in", "segmentCount": 1}}]
        """

    func postBandwidth(_ client: some TestClientProtocol, _ body: String, user: String?, password: String) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let user { headers[.authorization] = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString() }
        return try await client.execute(uri: "/bandwidth/\(testToken)", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("a Bandwidth callback array with the callback's Basic credentials is one email; a wrong password or none get 403")
    func bandwidthBasic() async throws {
        let environment = ["SMSRELAY_BANDWIDTH_CALLBACK_USERNAME": "relay", "SMSRELAY_BANDWIDTH_CALLBACK_PASSWORD": "callback-secret-123"]
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir, environment: environment) { client, assembly in
                #expect(try await postBandwidth(client, Self.bandwidthSMS, user: "relay", password: "wrong").status == .forbidden)
                #expect(try await postBandwidth(client, Self.bandwidthSMS, user: nil, password: "").status == .forbidden)
                #expect(try await postBandwidth(client, Self.bandwidthSMS, user: "relay", password: "callback-secret-123").status == .ok)
                #expect(try await postBandwidth(client, Self.bandwidthSMS, user: "relay", password: "callback-secret-123").status == .ok)
                let maildir = assembly.settings.maildir
                try await eventually("the email") { try maildirMessages(maildir).count == 1 }
                #expect(try await assembly.store.list(status: nil, limit: 10).count == 1)
                #expect(try maildirMessages(maildir).first?.contains("Hello from Bandwidth") == true)
            }
        }
    }

    // MARK: - VoIP.ms

    static let voipmsQuery = "to=2066418000&from=8553569768&message=Hello%20from%20VoIP.ms&id=1234567&date=2024-01-15%2015%3A30%3A00&media="

    @Test("a VoIP.ms GET callback is answered ok and is one email; its retry adds none")
    func voipmsGet() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir, extra: ["voipms_allowed_cidrs": "127.0.0.0/8, ::1"]) { client, assembly in
                for _ in 0..<2 {
                    let response = try await client.execute(uri: "/voipms/\(testToken)?\(Self.voipmsQuery)", method: .get)
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "ok")
                }
                let maildir = assembly.settings.maildir
                try await eventually("the email") { try maildirMessages(maildir).count == 1 }
                #expect(try await assembly.store.list(status: nil, limit: 10).count == 1)
                #expect(try maildirMessages(maildir).first?.contains("Hello from VoIP.ms") == true)
            }
        }
    }

    @Test("a VoIP.ms callback from outside SMSRELAY_VOIPMS_ALLOWED_CIDRS gets 403")
    func voipmsOutside() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir, extra: ["voipms_allowed_cidrs": "208.100.60.0/24"]) { client, assembly in
                let response = try await client.execute(uri: "/voipms/\(testToken)?\(Self.voipmsQuery)", method: .get)
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("outside the allowed addresses"))
                #expect(try await assembly.store.list(status: nil, limit: 10).isEmpty)
            }
        }
    }

    @Test("a carrier that is not on answers 404 like a wrong token")
    func carrierOff() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, _ in
                let response = try await client.execute(
                    uri: "/telnyx/\(testToken)", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: Self.telnyxSMS))
                #expect(response.status == .notFound)
            }
        }
    }
}
