@testable import FlowrouteAPI
import Testing

@Suite("The message document")
struct MessageDocumentTests {
    @Test("an SMS is a JSON:API message with to, from and body, and no dlr_callback unless given")
    func encodes() throws {
        let plain = try MessageDocument(sms: OutboundSMS(from: "12065551234", to: "12065559876", body: "hi / there")).encoded()
        #expect(String(decoding: plain, as: UTF8.self)
            == #"{"data":{"attributes":{"body":"hi / there","from":"12065551234","to":"12065559876"},"type":"message"}}"#)

        let withCallback = try MessageDocument(
            sms: OutboundSMS(from: "12065551234", to: "12065559876", body: "hi", deliveryReceiptURL: "https://relay.example.com/dlr")
        ).encoded()
        #expect(String(decoding: withCallback, as: UTF8.self)
            == #"{"data":{"attributes":{"body":"hi","dlr_callback":"https://relay.example.com/dlr","from":"12065551234","to":"12065559876"},"type":"message"}}"#)
    }

    @Test("the id is read from Flowroute's 202 answer")
    func readsID() {
        let answer = #"{"data": {"links": {"self": "https://api.flowroute.com/v2.1/messages/mdr2-0f1e2d3c4b5a69788796a5b4c3d2e1f0"}, "type": "message", "id": "mdr2-0f1e2d3c4b5a69788796a5b4c3d2e1f0"}}"#
        #expect(MessageAccepted.messageID(in: Array(answer.utf8)) == "mdr2-0f1e2d3c4b5a69788796a5b4c3d2e1f0")
        #expect(MessageAccepted.messageID(in: Array("{}".utf8)) == nil)
        #expect(MessageAccepted.messageID(in: Array("not json".utf8)) == nil)
    }
}
