import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import TestSupport

/// Replies through the carrier each text came in on: a running `smsrelay serve` with every
/// carrier on, each carrier's callback posted to it, the email answered by `smsrelay reply`, and
/// the SMS arriving at a fake of that carrier's API, in the documented shape.
@Suite("Replies through each carrier's API (serve, smsrelay reply, fakes of the APIs)", .serialized)
struct CarrierReplyTests {
    /// A relay with replies on, every carrier's API at `apis`, Telnyx's callbacks checked with `telnyxPublicKey`.
    static func withRelay(
        _ apis: FakeCarrierAPIs, telnyxPublicKey: String, _ body: (ReplyRelay) async throws -> Void
    ) async throws {
        let credentials = apis.credentials
        let base = apis.baseURL.absoluteString
        try await ReplyRelay.with(extra: [
            "SMSRELAY_TWILIO_ACCOUNT_SID": credentials.twilioAccountSID,
            "SMSRELAY_TWILIO_AUTH_TOKEN": credentials.twilioAuthToken,
            "SMSRELAY_TWILIO_API_URL": base,
            "SMSRELAY_TELNYX_API_KEY": credentials.telnyxAPIKey,
            "SMSRELAY_TELNYX_PUBLIC_KEY": telnyxPublicKey,
            "SMSRELAY_TELNYX_API_URL": base,
            "SMSRELAY_BANDWIDTH_ACCOUNT_ID": credentials.bandwidthAccountID,
            "SMSRELAY_BANDWIDTH_USERNAME": credentials.bandwidthUsername,
            "SMSRELAY_BANDWIDTH_PASSWORD": credentials.bandwidthPassword,
            "SMSRELAY_BANDWIDTH_APPLICATION_ID": "93de2206-9669-4e07-948d-329f4b722ee2",
            "SMSRELAY_BANDWIDTH_API_URL": base,
            "SMSRELAY_VOIPMS_API_USERNAME": credentials.voipmsUsername,
            "SMSRELAY_VOIPMS_API_PASSWORD": credentials.voipmsPassword,
            "SMSRELAY_VOIPMS_API_URL": base,
        ], body)
    }

    /// Sends a callback to `/<carrier>/<token>` of the running relay; returns the status.
    static func post(
        _ relay: ReplyRelay, carrier: String, method: HTTPMethod = .POST, query: String? = nil, body: String = "",
        headers: [(String, String)] = []
    ) async throws -> Int {
        let base = relay.server.callbackURL.replacingOccurrences(of: "/flowroute/", with: "/\(carrier)/")
        var request = HTTPClientRequest(url: base + (query.map { "?" + $0 } ?? ""))
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if method == .POST { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// The email in the maildir whose text holds `marker`, once it is there.
    static func email(holding marker: String, in relay: ReplyRelay) async throws -> URL {
        let new = relay.maildir.appendingPathComponent("new")
        var found: URL?
        try await eventually(timeout: .seconds(30), "the email of \(marker)") {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: new.path)) ?? []
            found = names.map { new.appendingPathComponent($0) }.first {
                (try? String(contentsOf: $0, encoding: .utf8))?.contains(marker) == true
            }
            return found != nil
        }
        return try #require(found)
    }

    /// Answers the email holding `marker` with `text` through `smsrelay reply`, and returns the
    /// email's Reply-To.
    static func answer(_ relay: ReplyRelay, emailHolding marker: String, with text: String) async throws -> String {
        let relayed = try await email(holding: marker, in: relay)
        let raw = try String(contentsOf: relayed, encoding: .utf8)
        // The header section unfolded: a long Reply-To continues on the next lines.
        let headers = raw.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: " ")
        let replyTo = try #require(headers.components(separatedBy: "\r\n").first { $0.hasPrefix("Reply-To: ") })
        let written = try await relay.writeReply(to: relayed, text: text)
        let run = try await relay.reply(written)
        #expect(run.status == 0, "\(run.stderr)")
        return replyTo
    }

    static func sent(_ apis: FakeCarrierAPIs, holding marker: String) async throws -> FakeCarrierAPIs.Request {
        try await eventually(timeout: .seconds(30), "the SMS holding \(marker)") { try await apis.requests(containing: marker).count >= 1 }
        let requests = try await apis.requests(containing: marker)
        #expect(requests.count == 1, "one request for one reply")
        return try #require(requests.first)
    }

    @Test("a text from each carrier, answered by email, goes back through that carrier's API as one request of its documented shape")
    func everyCarrier() async throws {
        let telnyxKeys = try await CarrierCallbackTests.telnyxKeys()
        try await FakeCarrierAPIs.with { apis in
            try await Self.withRelay(apis, telnyxPublicKey: telnyxKeys.publicKey) { relay in
                let credentials = apis.credentials

                // Twilio: signed for the public URL, as Twilio would.
                let twilioIn = FakeCarrierAPIs.marker()
                let form = CarrierCallbackTests.twilioSMS.replacingOccurrences(of: "Hello+from+Twilio", with: twilioIn)
                let url = "\(ReplyRelay.publicURL)/twilio/\(testToken)"
                let signature = try await CarrierCallbackTests.twilioSignature(url: url, body: form, token: credentials.twilioAuthToken)
                #expect(try await Self.post(relay, carrier: "twilio", body: form, headers: [
                    ("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", signature),
                ]) == 200)
                let twilioOut = FakeCarrierAPIs.marker()
                let twilioReplyTo = try await Self.answer(relay, emailHolding: twilioIn, with: "Twilio answer \(twilioOut)")
                #expect(twilioReplyTo.contains("<sms2-t-12066418000-18553569768-"), "\(twilioReplyTo)")
                let twilio = try await Self.sent(apis, holding: twilioOut)
                #expect(twilio.method == "POST")
                #expect(twilio.path == "/2010-04-01/Accounts/\(credentials.twilioAccountSID)/Messages.json")
                #expect(twilio.form["To"] == "+18553569768")
                #expect(twilio.form["From"] == "+12066418000")
                #expect(twilio.form["Body"] == "Twilio answer \(twilioOut)")
                #expect(twilio.form["StatusCallback"] == "\(ReplyRelay.publicURL)/twilio/\(testToken)")

                // Telnyx: signed with a fresh key pair.
                let telnyxIn = FakeCarrierAPIs.marker()
                let event = CarrierCallbackTests.telnyxSMS.replacingOccurrences(of: "Hello from Telnyx", with: telnyxIn)
                let now = Int(Date().timeIntervalSince1970)
                let telnyxSignature = try await CarrierCallbackTests.telnyxSignature(seed: telnyxKeys.seed, timestamp: now, body: event)
                #expect(try await Self.post(relay, carrier: "telnyx", body: event, headers: [
                    ("Content-Type", "application/json"), ("telnyx-signature-ed25519", telnyxSignature), ("telnyx-timestamp", "\(now)"),
                ]) == 200)
                let telnyxOut = FakeCarrierAPIs.marker()
                let telnyxReplyTo = try await Self.answer(relay, emailHolding: telnyxIn, with: "Telnyx answer \(telnyxOut)")
                #expect(telnyxReplyTo.contains("<sms2-x-12066418000-18553569768-"), "\(telnyxReplyTo)")
                let telnyx = try await Self.sent(apis, holding: telnyxOut)
                #expect(telnyx.path == "/v2/messages")
                #expect(telnyx.header("Authorization") == ["Bearer \(credentials.telnyxAPIKey)"])
                #expect(telnyx.json?["to"] as? String == "+18553569768")
                #expect(telnyx.json?["from"] as? String == "+12066418000")
                #expect(telnyx.json?["text"] as? String == "Telnyx answer \(telnyxOut)")

                // Bandwidth: an array with one callback.
                let bandwidthIn = FakeCarrierAPIs.marker()
                let batch = CarrierCallbackTests.bandwidthSMS.replacingOccurrences(of: "Hello from Bandwidth", with: bandwidthIn)
                #expect(try await Self.post(relay, carrier: "bandwidth", body: batch, headers: [("Content-Type", "application/json")]) == 200)
                let bandwidthOut = FakeCarrierAPIs.marker()
                let bandwidthReplyTo = try await Self.answer(relay, emailHolding: bandwidthIn, with: "Bandwidth answer \(bandwidthOut)")
                #expect(bandwidthReplyTo.contains("<sms2-b-12066418000-18553569768-"), "\(bandwidthReplyTo)")
                let bandwidth = try await Self.sent(apis, holding: bandwidthOut)
                #expect(bandwidth.path == "/api/v2/users/\(credentials.bandwidthAccountID)/messages")
                #expect(bandwidth.json?["to"] as? [String] == ["+18553569768"])
                #expect(bandwidth.json?["from"] as? String == "+12066418000")
                #expect(bandwidth.json?["applicationId"] as? String == "93de2206-9669-4e07-948d-329f4b722ee2")

                // VoIP.ms: a GET with the fields in the query; ten-digit numbers both ways.
                let voipmsIn = FakeCarrierAPIs.marker()
                let query = CarrierCallbackTests.voipmsQuery.replacingOccurrences(of: "Hello%20from%20VoIP.ms", with: voipmsIn)
                #expect(try await Self.post(relay, carrier: "voipms", method: .GET, query: query) == 200)
                let voipmsOut = FakeCarrierAPIs.marker()
                let voipmsReplyTo = try await Self.answer(relay, emailHolding: voipmsIn, with: "VoIP.ms answer \(voipmsOut)")
                #expect(voipmsReplyTo.contains("<sms2-v-12066418000-18553569768-"), "\(voipmsReplyTo)")
                let voipms = try await Self.sent(apis, holding: voipmsOut)
                #expect(voipms.method == "GET")
                #expect(voipms.path == "/api/v1/rest.php")
                #expect(voipms.queryItems["method"] == "sendSMS")
                #expect(voipms.queryItems["did"] == "2066418000")
                #expect(voipms.queryItems["dst"] == "8553569768")

                // Nothing went through Flowroute.
                #expect(try await relay.flowroute.requests().isEmpty)
            }
        }
    }

    /// A Telnyx group MMS from `sender` to our number, `others` on the group: signed, posted.
    static func postTelnyxGroup(
        _ relay: ReplyRelay, keys: CarrierCallbackTests.TelnyxKeys, id: String, sender: String, to: [String], cc: [String], text: String
    ) async throws -> Int {
        let list = { (numbers: [String]) in numbers.map { #"{"phone_number": "\#($0)", "status": "webhook_delivered"}"# }.joined(separator: ", ") }
        let event = """
            {"data": {"event_type": "message.received", "id": "\(UUID().uuidString)", "record_type": "event", \
            "occurred_at": "2024-01-15T20:16:07.588+00:00", "payload": {"direction": "inbound", "id": "\(id)", "type": "MMS", \
            "from": {"phone_number": "\(sender)"}, "to": [\(list(to))], "cc": [\(list(cc))], "text": "\(text)", "media": []}}}
            """
        let now = Int(Date().timeIntervalSince1970)
        let signature = try await CarrierCallbackTests.telnyxSignature(seed: keys.seed, timestamp: now, body: event)
        return try await post(relay, carrier: "telnyx", body: event, headers: [
            ("Content-Type", "application/json"), ("telnyx-signature-ed25519", signature), ("telnyx-timestamp", "\(now)"),
        ])
    }

    @Test("a group text is one email naming the group, its texts thread together, and a reply goes to every member through the group send")
    func telnyxGroup() async throws {
        let keys = try await CarrierCallbackTests.telnyxKeys()
        try await FakeCarrierAPIs.with { apis in
            try await Self.withRelay(apis, telnyxPublicKey: keys.publicKey) { relay in
                let first = FakeCarrierAPIs.marker()
                #expect(try await Self.postTelnyxGroup(
                    relay, keys: keys, id: "g-1", sender: "+18553569768", to: ["+12066418000", "+12065550100"], cc: ["+12065550177"],
                    text: "Dinner at 8? \(first)") == 200)
                let second = FakeCarrierAPIs.marker()
                #expect(try await Self.postTelnyxGroup(
                    relay, keys: keys, id: "g-2", sender: "+12065550100", to: ["+12066418000", "+18553569768"], cc: ["+12065550177"],
                    text: "Works for me \(second)") == 200)
                let emails = [try await Self.email(holding: first, in: relay), try await Self.email(holding: second, in: relay)]
                let parsed = [
                    try await MIMETree.parse(Array(try Data(contentsOf: emails[0]))),
                    try await MIMETree.parse(Array(try Data(contentsOf: emails[1]))),
                ]
                let subjects = parsed.map { $0.subject ?? "" }
                #expect(subjects[0] == subjects[1], "one subject for the group, whoever wrote")
                #expect(subjects[0].hasPrefix("Group text to +1 206-641-8000 with "), "\(subjects[0])")
                #expect(["+1 206-555-0100", "+1 206-555-0177", "+1 855-356-9768"].allSatisfy(subjects[0].contains), "\(subjects[0])")
                #expect(parsed[0].headers?["In-Reply-To"] != nil)
                #expect(parsed[0].headers?["In-Reply-To"] == parsed[1].headers?["In-Reply-To"], "the group's texts thread together")
                let replyTo = try #require(parsed[0].headers?["Reply-To"])
                #expect(replyTo.contains("<sms2-xg-12066418000-"), "\(replyTo)")
                #expect(parsed[1].headers?["Reply-To"] == replyTo, "one reply address for the group")

                let answer = FakeCarrierAPIs.marker()
                _ = try await Self.answer(relay, emailHolding: second, with: "See you all \(answer)")
                let sent = try await Self.sent(apis, holding: answer)
                #expect(sent.path == "/v2/messages/group_mms")
                #expect(sent.json?["from"] as? String == "+12066418000")
                #expect(Set(sent.json?["to"] as? [String] ?? []) == ["+12065550100", "+12065550177", "+18553569768"])
            }
        }
    }

    @Test("Bandwidth's callbacks of one group text to two of our numbers, each with its own id, are one email")
    func bandwidthGroupOnce() async throws {
        try await FakeCarrierAPIs.with { apis in
            try await Self.withRelay(apis, telnyxPublicKey: try await CarrierCallbackTests.telnyxKeys().publicKey) { relay in
                let marker = FakeCarrierAPIs.marker()
                let callback = { (id: String, owned: String) in
                    """
                    [{"type": "message-received", "time": "2024-01-15T20:16:07.588Z", "to": "\(owned)", "message": {"id": "\(id)", \
                    "time": "2024-01-15T20:16:07.503Z", "to": ["+12066418000", "+12066418001", "+12065550100"], \
                    "from": "+18553569768", "text": "Group hello \(marker)", "owner": "\(owned)", "direction": "in"}}]
                    """
                }
                #expect(try await Self.post(relay, carrier: "bandwidth", body: callback("b-1", "+12066418000"), headers: [("Content-Type", "application/json")]) == 200)
                #expect(try await Self.post(relay, carrier: "bandwidth", body: callback("b-2", "+12066418001"), headers: [("Content-Type", "application/json")]) == 200)
                _ = try await Self.email(holding: marker, in: relay)
                let rows = try await relay.store().list(status: nil, limit: 50).filter { $0.message?.body.contains(marker) == true }
                #expect(rows.count == 1, "one row for the group text")
                let new = relay.maildir.appendingPathComponent("new")
                let holding = try FileManager.default.contentsOfDirectory(atPath: new.path).filter {
                    (try? String(contentsOf: new.appendingPathComponent($0), encoding: .utf8))?.contains(marker) == true
                }
                #expect(holding.count == 1)
            }
        }
    }

    @Test("Twilio's status callback saying a reply was undelivered is recorded as a receipt, and the replier is told by email")
    func twilioStatusCallback() async throws {
        try await FakeCarrierAPIs.with { apis in
            try await Self.withRelay(apis, telnyxPublicKey: try await CarrierCallbackTests.telnyxKeys().publicKey) { relay in
                let token = apis.credentials.twilioAuthToken
                let url = "\(ReplyRelay.publicURL)/twilio/\(testToken)"
                let incoming = FakeCarrierAPIs.marker()
                let form = CarrierCallbackTests.twilioSMS.replacingOccurrences(of: "Hello+from+Twilio", with: incoming)
                #expect(try await Self.post(relay, carrier: "twilio", body: form, headers: [
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("X-Twilio-Signature", try await CarrierCallbackTests.twilioSignature(url: url, body: form, token: token)),
                ]) == 200)
                let outgoing = FakeCarrierAPIs.marker()
                _ = try await Self.answer(relay, emailHolding: incoming, with: "Answer \(outgoing)")
                _ = try await Self.sent(apis, holding: outgoing)
                var sid: String?
                try await eventually(timeout: .seconds(30), "the reply recorded as sent") {
                    sid = try await relay.store().list([.reply], status: .sent, limit: 10).first?.transportMessageID
                    return sid != nil
                }
                let messageSid = try #require(sid)
                #expect(messageSid.hasPrefix("SM"))

                let status = [
                    "MessageSid=\(messageSid)", "SmsSid=\(messageSid)", "MessageStatus=undelivered", "SmsStatus=undelivered",
                    "ErrorCode=30003", "AccountSid=\(apis.credentials.twilioAccountSID)", "From=%2B12066418000", "To=%2B18553569768",
                    "ApiVersion=2010-04-01",
                ].joined(separator: "&")
                #expect(try await Self.post(relay, carrier: "twilio", body: status, headers: [
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("X-Twilio-Signature", try await CarrierCallbackTests.twilioSignature(url: url, body: status, token: token)),
                ]) == 200)
                let receipts = try await relay.store().receipts(messageID: messageSid)
                #expect(receipts.map(\.status) == ["undelivered"])
                #expect(receipts.first?.statusCode == "30003")
                // The notice is an email to the replier naming what Twilio said.
                _ = try await Self.email(holding: "30003", in: relay)
            }
        }
    }
}
