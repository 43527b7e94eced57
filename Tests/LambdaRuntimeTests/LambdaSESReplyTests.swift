import Foundation
import ReplyAddress
import Testing
import TestSupport

/// The packaged `bootstrap` on AWS's Runtime Interface Emulator, given the events of an SES
/// receipt rule: the reply email in moto's S3, the SMS to a fake Flowroute API.
@Suite("Packaged bootstrap: replies received through SES, sent through Flowroute", .serialized, .motoServer)
struct LambdaSESReplyTests {
    static let secret = "reply-secret-for-the-lambda-tests"
    static let bucket = "smsrelay-rie-replies"
    static let address = ReplyAddressCodec(secret: secret, domain: "sms.example.com")
        .address(for: ReplyAddress(ourNumber: "12066418000", texterNumber: "18553569768"))!

    func environment(_ moto: MotoServer, _ flowroute: FakeFlowrouteAPI) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": moto.userCredentials.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": moto.userCredentials.secretAccessKey,
            "AWS_REGION": MotoServer.region,
            "SMSRELAY_SES_ENDPOINT": moto.endpoint,
            "SMSRELAY_MAIL_FROM": MotoServer.verifiedSender,
            "SMSRELAY_MAIL_TO": "me@example.com",
            "SMSRELAY_REPLY_DOMAIN": "sms.example.com",
            "SMSRELAY_REPLY_SECRET": Self.secret,
            "SMSRELAY_REPLY_S3_BUCKET": Self.bucket,
            "SMSRELAY_REPLY_S3_PREFIX": "replies/",
            "SMSRELAY_REPLY_S3_ENDPOINT": moto.endpoint,
            "SMSRELAY_FLOWROUTE_API_URL": flowroute.baseURL.absoluteString,
            "SMSRELAY_FLOWROUTE_ACCESS_KEY": flowroute.accessKey,
            "SMSRELAY_FLOWROUTE_SECRET_KEY": flowroute.secretKey,
        ]
    }

    static func reply(text: String, messageID: String) -> [UInt8] {
        Array("""
            From: Me <me@example.com>\r
            To: "+1 855 356 9768 (SMS)" <\(address)>\r
            Subject: Re: Text message from 18553569768 to 12066418000\r
            Message-ID: <\(messageID)>\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \(text)\r
            \r
            On Fri, 4 Dec 2026, 18553569768 wrote:\r
            > Are we still on?\r

            """.utf8)
    }

    func event(_ sesID: String, dmarc: String = "PASS") -> [UInt8] {
        Array(SESReceiptEventTests.event(messageID: sesID, source: "me@example.com", recipient: Self.address, dmarc: dmarc).utf8)
    }

    @Test("an SES reply event sends one SMS with the new text; the same event again sends none; a DMARC failure none")
    func sendsOnce() async throws {
        let moto = try #require(MotoServer.current)
        try await FakeFlowrouteAPI.with { flowroute in
            try await moto.putObject(bucket: Self.bucket, key: "replies/sesmsg0001", bytes: Self.reply(text: "On my way", messageID: "r1@mail.example.com"))
            try await moto.putObject(bucket: Self.bucket, key: "replies/sesmsg0002", bytes: Self.reply(text: "Spoofed", messageID: "r2@mail.example.com"))
            let emulator = try await LambdaEmulator(environment: environment(moto, flowroute))
            defer { emulator.stop() }

            let first = try await emulator.invoke(event("sesmsg0001"))
            #expect((first["handled"] as? String)?.hasPrefix("mdr2-") == true, "\(first) \(emulator.output)")
            let requests = try await flowroute.requests()
            #expect(requests.count == 1)
            #expect(requests.first?.attributes["body"] == "On my way")
            #expect(requests.first?.attributes["to"] == "18553569768")
            #expect(requests.first?.attributes["from"] == "12066418000")
            #expect(try await moto.objectTags(bucket: Self.bucket, key: "replies/sesmsg0001")["smsrelay"] == first["handled"] as? String)

            let again = try await emulator.invoke(event("sesmsg0001"))
            #expect(again["duplicate"] as? String == first["handled"] as? String, "\(again)")
            let refused = try await emulator.invoke(event("sesmsg0002", dmarc: "FAIL"))
            #expect((refused["refused"] as? String)?.contains("DMARC") == true, "\(refused)")
            #expect(try await flowroute.requests().count == 1)
            #expect(!emulator.output.contains("On my way") && !emulator.output.contains("Spoofed"), "no reply text in the logs")
        }
    }

    @Test("Flowroute's 500 fails the invocation so that Lambda retries, and the retry sends the SMS once")
    func transientRetried() async throws {
        let moto = try #require(MotoServer.current)
        try await FakeFlowrouteAPI.with { flowroute in
            try await moto.putObject(bucket: Self.bucket, key: "replies/sesmsg0003", bytes: Self.reply(text: "Later", messageID: "r3@mail.example.com"))
            try await flowroute.script([500])
            let emulator = try await LambdaEmulator(environment: environment(moto, flowroute))
            defer { emulator.stop() }
            let failed = try await emulator.invoke(event("sesmsg0003"))
            #expect(failed["errorType"] as? String == "SMSRelay.ReplyNotSent", "\(failed)")
            #expect(try await moto.objectTags(bucket: Self.bucket, key: "replies/sesmsg0003").isEmpty)
            let retried = try await emulator.invoke(event("sesmsg0003"))
            #expect((retried["handled"] as? String)?.hasPrefix("mdr2-") == true, "\(retried)")
            #expect(try await flowroute.requests().map { $0.attributes["body"] } == ["Later", "Later"])
        }
    }
}
