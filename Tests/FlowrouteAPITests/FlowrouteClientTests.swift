import FlowrouteAPI
import Foundation
import Testing
import TestSupport

@Suite("Sending an SMS through the fake Flowroute API")
struct FlowrouteClientTests {
    @Test("a send makes one POST to /v2.1/messages with Basic auth, the JSON:API type and the message")
    func sendsOneRequest() async throws {
        try await FakeFlowrouteAPI.with { fake in
            let receipt = try await makeClient(fake).send(sampleSMS())

            let requests = try await fake.requests()
            try #require(requests.count == 1)
            let request = requests[0]
            #expect(request.method == "POST")
            #expect(request.path == "/v2.1/messages")
            let expected = "Basic " + Data("\(fake.accessKey):\(fake.secretKey)".utf8).base64EncodedString()
            #expect(request.header("Authorization") == [expected])
            #expect(request.header("Content-Type") == ["application/vnd.api+json"])
            #expect(request.header("Accept") == ["application/vnd.api+json"])
            #expect(request.dataType == "message")
            #expect(request.attributes == ["to": "12065559876", "from": "12065551234", "body": "On my way, see you at 6"])
            #expect(request.attributeNames == ["to", "from", "body"], "no dlr_callback, no is_mms for a plain SMS")

            #expect(receipt.messageID.hasPrefix("mdr2-"))
            #expect(receipt.messageID.count == "mdr2-".count + 32)
        }
    }

    @Test("the receipt carries the id the API answered, a new one for each message")
    func receiptIsTheAnsweredID() async throws {
        try await FakeFlowrouteAPI.with { fake in
            let client = makeClient(fake)
            let first = try await client.send(sampleSMS())
            let second = try await client.send(sampleSMS(body: "and another"))
            #expect(first != second)
        }
    }

    @Test("a delivery receipt URL goes as dlr_callback, and text beyond ASCII arrives as written")
    func deliveryReceiptURL() async throws {
        try await FakeFlowrouteAPI.with { fake in
            let text = "Ça marche — à 18 h 😀 \"quoted\" \\ / {}"
            _ = try await makeClient(fake).send(sampleSMS(body: text, deliveryReceiptURL: "https://relay.example.com/dlr?t=abc"))
            let request = try #require(try await fake.requests().first)
            #expect(request.attributes["dlr_callback"] == "https://relay.example.com/dlr?t=abc")
            #expect(request.attributes["body"] == text)
        }
    }

    @Test("wrong credentials are a permanent error that names the settings and never shows a secret")
    func wrongCredentials() async throws {
        try await FakeFlowrouteAPI.with { fake in
            let wrongSecret = "wrong-secret-fedcba9876543210"
            let error = try #require(await sendError(makeClient(fake, secretKey: wrongSecret)))
            #expect(error.kind == .permanent)
            #expect(error.status == 401)
            #expect(error.message.contains("SMSRELAY_FLOWROUTE_ACCESS_KEY"))
            #expect(error.message.contains("SMSRELAY_FLOWROUTE_SECRET_KEY"))
            #expect(error.errorID != nil)
            for shown in [error.message, "\(error)", String(reflecting: error)] {
                #expect(!shown.contains(wrongSecret))
                #expect(!shown.contains(fake.secretKey))
                #expect(!shown.contains(Data("\(fake.accessKey):\(wrongSecret)".utf8).base64EncodedString()))
            }
        }
    }

    @Test("an invalid message (422) is permanent and quotes Flowroute's detail")
    func unprocessable() async throws {
        try await FakeFlowrouteAPI.with { fake in
            let error = try #require(await sendError(makeClient(fake), sampleSMS(body: "")))
            #expect(error.kind == .permanent)
            #expect(error.status == 422)
            #expect(error.message.contains("Missing required attribute: body."))
        }
    }

    @Test("the rate limit (429) and server errors are transient, and the next send goes through", arguments: [429, 500, 503])
    func transientStatuses(status: Int) async throws {
        try await FakeFlowrouteAPI.with { fake in
            try await fake.script([status])
            let client = makeClient(fake)
            let error = try #require(await sendError(client))
            #expect(error.kind == .transient)
            #expect(error.status == status)
            #expect(error.message.contains("will retry later"))
            let receipt = try await client.send(sampleSMS())
            #expect(receipt.messageID.hasPrefix("mdr2-"))
        }
    }

    @Test("a refusal of the sending number (403) is permanent and says what to check")
    func forbidden() async throws {
        try await FakeFlowrouteAPI.with { fake in
            try await fake.script([403])
            let error = try #require(await sendError(makeClient(fake)))
            #expect(error.kind == .permanent)
            #expect(error.status == 403)
            #expect(error.message.contains("12065551234"))
            #expect(error.message.contains("enabled for SMS"))
        }
    }
}
