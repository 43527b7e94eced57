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
}
