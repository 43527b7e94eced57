import Foundation
import LambdaRuntime
import MailRender
import SMSRelayApp
import SMSRelayCore
import SMSRelayIntake
import Testing
import TestSupport
import Transports

/// The function's handler with several carriers on: the path picks the carrier's intake, its
/// proof is checked from the event, and the answer is the one that carrier expects.
@Suite("Lambda: a callback of each carrier")
struct LambdaCarrierTests {
    static let token = LambdaLoopTests.token
    static let authToken = "twilio-auth-token-for-lambda-0001"

    static func handler(root: URL) throws -> CallbackLambdaHandler<SendNowSink> {
        let renderer = try EmailRenderer()
        let route = Route(recipients: ["me@example.com"], sender: "sms@example.com")
        let transport = try MaildirTransport(root: root)
        return CallbackLambdaHandler(
            intakes: [
                CallbackIntake(carrier: .flowroute, token: token, maxBodyBytes: 65_536),
                CallbackIntake(
                    carrier: .twilio, token: token, maxBodyBytes: 65_536,
                    authenticator: TwilioSignature(authToken: authToken, publicURL: nil)),
                CallbackIntake(
                    carrier: .voipms, token: token, maxBodyBytes: 65_536,
                    authenticator: SourceAddressCheck(ranges: [SourceAddressRange("127.0.0.0/8")!])),
            ],
            sink: SendNowSink(
                transport: transport,
                compose: { message, media, thread in try renderer.render(message, route: route, media: media, thread: thread) },
                safetyMargin: .seconds(1)))
    }

    static func event(method: String, path: String, query: String = "", headers: [String: String], body: String) -> [UInt8] {
        let object: [String: Any] = [
            "version": "2.0", "rawPath": path, "rawQueryString": query, "headers": headers, "body": body, "isBase64Encoded": false,
            "requestContext": ["http": ["method": method, "path": path, "sourceIp": "127.0.0.1"], "domainName": "abc.lambda-url.us-east-1.on.aws"],
        ]
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    static func answer(_ bytes: [UInt8]) throws -> (status: Int, contentType: String?, body: String) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let headers = object["headers"] as? [String: String]
        return (object["statusCode"] as? Int ?? 0, headers?["Content-Type"], object["body"] as? String ?? "")
    }

    @Test("a signed Twilio form to /twilio/<token> is one email answered with empty TwiML; a bad signature gets 403")
    func twilio() async throws {
        try await withTemporaryDirectory { root in
            let handler = try Self.handler(root: root)
            let form = "MessageSid=SM0011&From=%2B18553569768&To=%2B12066418000&Body=Hello+Lambda&NumMedia=0&SmsStatus=received"
            let fields = [("MessageSid", "SM0011"), ("From", "+18553569768"), ("To", "+12066418000"), ("Body", "Hello Lambda"), ("NumMedia", "0"), ("SmsStatus", "received")]
            let signature = TwilioSignature(authToken: Self.authToken, publicURL: nil)
                .signature(url: "https://abc.lambda-url.us-east-1.on.aws/twilio/\(Self.token)", parameters: fields)
            var headers = ["content-type": "application/x-www-form-urlencoded", "host": "abc.lambda-url.us-east-1.on.aws"]
            headers["x-twilio-signature"] = Data(signature).base64EncodedString()
            let good = try Self.answer(try await handler.handle(
                Self.event(method: "POST", path: "/twilio/\(Self.token)", headers: headers, body: form), context: LambdaLoopTests.context("t1")))
            #expect(good.status == 200)
            #expect(good.contentType?.hasPrefix("text/xml") == true)
            #expect(good.body == CarrierAcknowledgement.emptyTwiML)
            let new = root.appendingPathComponent("new")
            let mails = try FileManager.default.contentsOfDirectory(atPath: new.path)
            #expect(mails.count == 1)
            #expect(try String(contentsOf: new.appendingPathComponent(mails[0]), encoding: .utf8).contains("Hello Lambda"))

            headers["x-twilio-signature"] = Data(repeating: 7, count: 20).base64EncodedString()
            let forged = try Self.answer(try await handler.handle(
                Self.event(method: "POST", path: "/twilio/\(Self.token)", headers: headers, body: form), context: LambdaLoopTests.context("t2")))
            #expect(forged.status == 403)
            #expect(try FileManager.default.contentsOfDirectory(atPath: new.path).count == 1)
        }
    }

    @Test("a VoIP.ms GET to /voipms/<token> is answered ok; a path naming no carrier goes to Flowroute's intake")
    func voipmsAndDefault() async throws {
        try await withTemporaryDirectory { root in
            let handler = try Self.handler(root: root)
            let query = "to=2066418000&from=8553569768&message=Hi%20from%20VoIP.ms&id=778899"
            let voipms = try Self.answer(try await handler.handle(
                Self.event(method: "GET", path: "/voipms/\(Self.token)", query: query, headers: [:], body: ""),
                context: LambdaLoopTests.context("v1")))
            #expect(voipms.status == 200)
            #expect(voipms.body == "ok")
            // The Flowroute seed at the root path with the token as a query parameter, as before carriers.
            let flowroute = try Self.answer(try await handler.handle(
                Self.event(method: "POST", path: "/", query: "token=\(Self.token)", headers: ["content-type": "application/json"], body: APIGatewayRequestTests.seedBody),
                context: LambdaLoopTests.context("f1")))
            #expect(flowroute.status == 200)
            #expect(flowroute.body.contains("Message succeeded"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("new").path).count == 2)
        }
    }
}
