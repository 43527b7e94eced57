import CarrierAPI
import FlowrouteAPI
import Foundation
import Logging
import Testing
import TestSupport

@Suite("Sending a text through Flowroute behind the TextSender interface")
struct FlowrouteTextSenderTests {
    func sender(_ fake: FakeFlowrouteAPI, secretKey: String? = nil) -> FlowrouteTextSender {
        FlowrouteTextSender(client: FlowrouteClient(
            baseURL: fake.baseURL,
            credentials: FlowrouteCredentials(accessKey: fake.accessKey, secretKey: secretKey ?? fake.secretKey),
            timeout: .seconds(10), logger: Logger(label: "carrier-api-test")))
    }

    @Test("a text goes as Flowroute's message, the status callback as dlr_callback, and the id comes back")
    func sends() async throws {
        try await FakeFlowrouteAPI.with { fake in
            let sender = sender(fake)
            #expect(sender.carrier == "flowroute")
            #expect(!sender.supportsGroups)
            #expect(sender.endpointDescription == "\(fake.baseURL.absoluteString)/v2.1/messages")
            let sent = try await sender.send(OutgoingText(
                from: ourNumber, to: texter, body: "see you", statusCallbackURL: "https://relay.example.com/dlr"))
            #expect(sent.messageID.hasPrefix("mdr2-"))
            let request = try #require(try await fake.requests().first)
            #expect(request.attributes == ["to": texter, "from": ourNumber, "body": "see you", "dlr_callback": "https://relay.example.com/dlr"])
        }
    }

    @Test("Flowroute's errors keep their kind, status, words and id, and show no secret")
    func errors() async throws {
        try await FakeFlowrouteAPI.with { fake in
            let wrong = "wrong-flowroute-secret-0123456"
            let refused = try #require(await sendError(sender(fake, secretKey: wrong), OutgoingText(from: ourNumber, to: texter, body: "x")))
            #expect(refused.kind == .permanent)
            #expect(refused.status == 401)
            #expect(refused.code != nil)
            expectNoSecret(refused, [wrong, fake.secretKey])

            try await fake.script([503])
            let later = try #require(await sendError(sender(fake), OutgoingText(from: ourNumber, to: texter, body: "x")))
            #expect(later.kind == .transient)
            #expect(later.status == 503)
        }
    }

    @Test("a group text is refused permanently without a request")
    func group() async throws {
        try await FakeFlowrouteAPI.with { fake in
            let error = try #require(await sendError(sender(fake), OutgoingText(from: ourNumber, to: [texter, secondTexter], body: "x")))
            #expect(error.kind == .permanent)
            #expect(try await fake.requests().isEmpty)
        }
    }
}
