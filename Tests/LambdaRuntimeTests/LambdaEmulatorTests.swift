import Foundation
import Testing
import TestSupport

/// The packaged `bootstrap` on AWS's own Runtime Interface Emulator, delivering to SES (moto).
@Suite("Packaged bootstrap on the Lambda Runtime Interface Emulator", .serialized, .motoServer)
struct LambdaEmulatorTests {
    func environment(_ moto: MotoServer, sender: String = MotoServer.verifiedSender) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": moto.userCredentials.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": moto.userCredentials.secretAccessKey,
            "AWS_REGION": MotoServer.region,
            "SMSRELAY_SES_ENDPOINT": moto.endpoint,
            "SMSRELAY_MAIL_FROM": sender,
            "SMSRELAY_MAIL_TO": "me@example.com",
        ]
    }

    func proxyResponse(_ answer: [String: Any]) throws -> (status: Int, body: [String: Any]) {
        let status = try #require(answer["statusCode"] as? Int, "not a proxy response: \(answer)")
        let text = try #require(answer["body"] as? String)
        return (status, try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]))
    }

    @Test("the seed's console event and v2 events are delivered; a malformed event gets 400 and serving goes on")
    func delivers() async throws {
        let moto = try #require(MotoServer.current)
        let before = try await moto.rawMessageCount()
        let emulator = try await LambdaEmulator(environment: environment(moto))
        defer { emulator.stop() }

        let seed = try proxyResponse(try await emulator.invoke(Array(APIGatewayRequestTests.consoleEvent.utf8)))
        #expect(seed.status == 200, "\(emulator.output)")
        #expect(seed.body["message"] as? String == "Message succeeded")
        #expect(try await moto.rawMessageCount() == before + 1)
        let stored = try await moto.storedMessage("latest")
        #expect(stored.subject == "Text message from +1 855-356-9768 to +1 206-641-8000")
        #expect(stored.text?.contains("Hello there from Flowroute!") == true)
        #expect(stored.defects.isEmpty)

        let malformed = try proxyResponse(try await emulator.invoke(Array(#"{"unexpected": "event"}"#.utf8)))
        #expect(malformed.status == 400)
        #expect(malformed.body["error"] as? String != nil)

        let v2 = APIGatewayRequestTests.httpEvent(
            rawPath: "/flowroute/anything",
            body: #"{"data":{"type":"message","id":"mdr2-rie-1","attributes":{"to":"12065550100","from":"12065550199","body":"through the emulator 👋","direction":"inbound","is_mms":false,"timestamp":"2026-11-25T06:00:00Z"}}}"#)
        let second = try proxyResponse(try await emulator.invoke(v2))
        #expect(second.status == 200)
        #expect(try await moto.rawMessageCount() == before + 2)
        #expect(try await moto.storedMessage("latest").text?.contains("through the emulator 👋") == true)
    }

    @Test("an MMS: the picture is downloaded within the invocation (after two 500s) and attached inline; a private address is refused unrequested")
    func mmsMedia() async throws {
        let moto = try #require(MotoServer.current)
        try await MediaTestServer.with { media in
            let photo = try TestMedia.bytes("photo.jpg")
            try await media.serve("/rie/photo.jpg", bytes: photo, contentType: "image/jpeg", failFirst: 2)
            var environment = environment(moto)
            environment["SMSRELAY_MEDIA_TRUSTED_HOSTS"] = media.hostAndPort
            environment["SMSRELAY_RETRY_BASE_SECONDS"] = "1"
            let emulator = try await LambdaEmulator(environment: environment)
            defer { emulator.stop() }
            let body = #"{"included":[{"type":"media","id":"a","attributes":{"url":"\#(media.url("/rie/photo.jpg"))","file_name":"photo.jpg","mime_type":"image/jpeg"}},{"type":"media","id":"b","attributes":{"url":"https://10.0.0.1/rie/b.jpg","file_name":"b.jpg","mime_type":"image/jpeg"}}],"data":{"type":"message","id":"mdr2-rie-mms","relationships":{"media":{"data":[{"type":"media","id":"a"},{"type":"media","id":"b"}]}},"attributes":{"to":"12065550100","from":"12065550199","body":"a picture","direction":"inbound","is_mms":true,"timestamp":"2026-11-25T06:00:00Z"}}}"#
            let answer = try proxyResponse(try await emulator.invoke(APIGatewayRequestTests.httpEvent(rawPath: "/flowroute/anything", body: body)))
            #expect(answer.status == 200, "\(emulator.output)")
            let stored = try await moto.storedMessage("latest")
            let tree = try await MIMETree.parse(Array(stored.rawData.utf8))
            #expect(tree.shape == "multipart/mixed(multipart/alternative(text/plain,multipart/related(text/html,image/jpeg)))")
            #expect(tree.files.first?.sha256 == MIMETree.sha256(photo))
            #expect(tree.allParts.first { $0.type == "text/plain" }?.text?.contains("https://10.0.0.1/rie/b.jpg") == true)
            #expect(try await media.hits("/rie/photo.jpg") == 3)
        }
    }

    @Test("a media server that never answers: the text is sent within the function's timeout, the picture left as a link")
    func mmsMediaHanging() async throws {
        let moto = try #require(MotoServer.current)
        try await MediaTestServer.with { media in
            try await media.hang("/rie/hang.jpg")
            var environment = environment(moto)
            environment["SMSRELAY_MEDIA_TRUSTED_HOSTS"] = media.hostAndPort
            // Downloads get half of (6 s − 2 s margin): they are cut off after about 2 s, far
            // before their own 30 s timeout.
            environment["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "6"
            let emulator = try await LambdaEmulator(environment: environment)
            defer { emulator.stop() }
            let url = media.url("/rie/hang.jpg")
            let body = #"{"included":[{"type":"media","id":"a","attributes":{"url":"\#(url)","file_name":"hang.jpg","mime_type":"image/jpeg"}}],"data":{"type":"message","id":"mdr2-rie-hang","relationships":{"media":{"data":[{"type":"media","id":"a"}]}},"attributes":{"to":"12065550100","from":"12065550199","body":"still here","direction":"inbound","is_mms":true,"timestamp":"2026-11-25T06:00:00Z"}}}"#
            let answer = try proxyResponse(try await emulator.invoke(APIGatewayRequestTests.httpEvent(rawPath: "/flowroute/anything", body: body)))
            #expect(answer.status == 200, "\(emulator.output)")
            let stored = try await moto.storedMessage("latest")
            #expect(stored.text?.contains("still here") == true)
            #expect(stored.text?.contains("not downloaded before the function's time ran out") == true, "\(stored.text ?? "")")
            #expect(stored.text?.contains(url) == true)
            #expect(try await media.hits("/rie/hang.jpg") == 1)
        }
    }

    @Test("an unverified sender answers 500 so that the carrier retries")
    func unverifiedSender() async throws {
        let moto = try #require(MotoServer.current)
        let emulator = try await LambdaEmulator(environment: environment(moto, sender: "mallory@example.net"))
        defer { emulator.stop() }
        let answer = try proxyResponse(try await emulator.invoke(Array(APIGatewayRequestTests.consoleEvent.utf8)))
        #expect(answer.status == 500)
        #expect(answer.body["message"] as? String == "Message failed")
    }

    @Test("a mail server that never greets: the send is abandoned before the function's timeout, answered 500 and logged")
    func deadline() async throws {
        let smtp = try await StalledSMTPServer.start()
        do {
            try await abandonsStalledSend(smtp)
        } catch {
            await smtp.stop()
            throw error
        }
        await smtp.stop()
    }

    func abandonsStalledSend(_ smtp: StalledSMTPServer) async throws {
        // SMTP's RFC time limits (5 minutes for the greeting) are far past a 6 s function timeout.
        let emulator = try await LambdaEmulator(environment: [
            "AWS_LAMBDA_FUNCTION_TIMEOUT": "6",
            "SMSRELAY_TRANSPORT": "smtp",
            "SMSRELAY_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)?tls=none",
            "SMSRELAY_MAIL_FROM": "sms@example.com",
            "SMSRELAY_MAIL_TO": "me@example.com",
        ])
        defer { emulator.stop() }
        let raw = try await emulator.invoke(Array(APIGatewayRequestTests.consoleEvent.utf8))
        // Killed at its timeout, the function would have left the emulator's timeout error instead.
        let answer = try proxyResponse(raw)
        #expect(answer.status == 500, "\(raw) \(emulator.output)")
        #expect(answer.body["message"] as? String == "Message failed")
        #expect(smtp.acceptedConnections >= 1, "the relay did try the mail server")
        try await eventually("the log line") { emulator.output.contains("send abandoned at the deadline") }
        #expect(!emulator.output.contains("Task timed out"), "\(emulator.output)")
    }

    @Test("a configuration error is reported at init, by the emulator, as the invocation's error")
    func initError() async throws {
        let emulator = try await LambdaEmulator(environment: ["SMSRELAY_TRANSPORT": "pigeon"])
        defer { emulator.stop() }
        let answer = try await emulator.invoke(Array(APIGatewayRequestTests.consoleEvent.utf8))
        #expect(answer["errorType"] as? String == "Runtime.ConfigurationError")
        #expect((answer["errorMessage"] as? String)?.contains("SMSRELAY_TRANSPORT") == true)
    }
}
