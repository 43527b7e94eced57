import Foundation
import Testing

import SMSRelayCore

@Suite("Telnyx webhooks")
struct TelnyxParserTests {
    private func fixture(_ name: String) throws -> CarrierEvent {
        try Carrier.telnyx.event(try Fixture.data(name, carrier: .telnyx))
    }

    /// A `message.received` event around a payload written as JSON fields.
    private func received(_ payload: String, occurredAt: String = #""2024-03-01T18:22:33Z""#) -> [UInt8] {
        Array(#"{"data": {"event_type": "message.received", "id": "e1", "occurred_at": \#(occurredAt), "payload": {\#(payload)}}}"#.utf8)
    }

    @Test("the inbound SMS fixture is a message timed at received_at")
    func inboundSMS() throws {
        let message = try #require(try fixture("message-received-sms.json").message)
        #expect(message.carrier == "telnyx")
        #expect(message.id == "b1e2c3d4-a5b6-4c7d-8e9f-0a1b2c3d4e5f")
        #expect(message.from == "+12065550123")
        #expect(message.to == "+12065550100")
        #expect(message.body == "Hello from Telnyx, café ☕")
        #expect(message.media.isEmpty)
        #expect(message.groupRecipients == nil)
        expectSameInstant(message.receivedAt, utc(2024, 3, 1, 18, 22, 33, plus: 0.276))
    }

    @Test("the group MMS fixture: our number is the first to, the other to and cc numbers are the group")
    func groupMMS() throws {
        let message = try #require(try fixture("message-received-group-mms.json").message)
        #expect(message.from == "+12065550123")
        #expect(message.to == "+12065550100")
        #expect(message.groupRecipients == ["+12065550155", "+12065550177"])
        #expect(message.isGroup)
        #expect(message.body == "Dinner at 7 — who's in?")
        #expect(message.media == [
            MediaItem(url: "https://media.example.invalid/telnyx/c2d3e4f5/IMG_0001.jpg", mimeType: "image/jpeg", fileSize: 254_172),
            MediaItem(url: "https://media.example.invalid/telnyx/c2d3e4f5/text_0.txt", mimeType: "text/plain", fileSize: 22),
        ])
    }

    @Test("message.sent is a receipt with the recipient's status, timed at sent_at")
    func sent() throws {
        let receipt = try #require(try fixture("message-sent.json").receipt)
        #expect(receipt.carrier == "telnyx")
        #expect(receipt.messageID == "40385f64-5717-4562-b3fc-2c963f66afa6")
        #expect(receipt.status == "sent")
        #expect(receipt.details.isEmpty)
        #expect(!receipt.isFailure)
        expectSameInstant(receipt.timestamp, utc(2024, 3, 1, 18, 30, 2, plus: 0.381))
    }

    @Test("message.finalized delivered is a receipt timed at completed_at")
    func finalizedDelivered() throws {
        let receipt = try #require(try fixture("message-finalized-delivered.json").receipt)
        #expect(receipt.status == "delivered")
        expectSameInstant(receipt.timestamp, utc(2024, 3, 1, 18, 30, 5, plus: 0.148))
    }

    @Test("message.finalized with an error is a failed receipt with its code, title and detail")
    func finalizedFailed() throws {
        let receipt = try #require(try fixture("message-finalized-failed.json").receipt)
        #expect(receipt.messageID == "51496075-6828-4673-c40d-3da074077bb7")
        #expect(receipt.status == "delivery_failed")
        #expect(receipt.statusCode == "40008")
        #expect(receipt.statusDescription == "Undeliverable: The message could not be delivered to the handset.")
        #expect(receipt.isFailure)
    }

    @Test("other event types are ignored")
    func otherEvents() throws {
        let body = #"{"data": {"event_type": "number_order.complete", "id": "e1", "payload": {"id": "o1"}}}"#
        #expect(try Carrier.telnyx.event(Array(body.utf8)).ignoredReason?.contains("number_order.complete") == true)
    }

    @Test("numbers without +, a sender as a bare string, to as one object and unknown fields are read")
    func liberalShapes() throws {
        let message = try #require(try Carrier.telnyx.event(received(
            #""id": "m1", "from": "12065550123", "to": {"phone_number": 12065550100}, "text": "hi", "surprise": [1, 2]"#
        )).message)
        #expect(message.from == "12065550123")
        #expect(message.to == "12065550100")
        #expect(message.body == "hi")
    }

    @Test("without received_at the event's occurred_at is the time; an unreadable one gets a notice")
    func times() throws {
        let fromEvent = try Carrier.telnyx.read(received(#""id": "m1", "from": {"phone_number": "+12065550123"}"#), receivedAt: arrival)
        #expect(fromEvent.event.message?.receivedAt == utc(2024, 3, 1, 18, 22, 33))
        #expect(fromEvent.notices.isEmpty)

        let unreadable = try Carrier.telnyx.read(
            received(#""id": "m1", "from": {"phone_number": "+12065550123"}, "received_at": "last Tuesday""#, occurredAt: "null"),
            receivedAt: arrival
        )
        #expect(unreadable.event.message?.receivedAt == arrival)
        #expect(unreadable.notices.map(\.field) == ["data.payload.received_at"])
    }

    @Test("the sender and our number are not group recipients, even when listed again or written differently")
    func groupExcludesSenderAndUs() throws {
        let message = try #require(try Carrier.telnyx.event(received(#"""
        "id": "m1", "from": {"phone_number": "+12065550123"},
        "to": [{"phone_number": "+12065550100"}, {"phone_number": "12065550100"}, {"phone_number": "+12065550155"}],
        "cc": ["+12065550123", {"phone_number": "+1 206 555 0177"}, {"phone_number": "+12065550155"}]
        """#)).message)
        #expect(message.to == "+12065550100")
        #expect(message.groupRecipients == ["+12065550155", "+12065550177"])
    }

    @Test("a media object without a URL is kept as unreadable, with a notice")
    func mediaWithoutURL() throws {
        let parsed = try Carrier.telnyx.read(received(
            #""id": "m1", "from": {"phone_number": "+12065550123"}, "media": [{"content_type": "image/png"}, {"url": "https://m.example/1"}]"#
        ), receivedAt: arrival)
        let media = try #require(parsed.event.message?.media)
        #expect(media.count == 2)
        #expect(media[0].problem != nil)
        #expect(media[1].url == "https://m.example/1")
        #expect(parsed.notices.map(\.field) == ["data.payload.media[0]"])
    }

    @Test("without an event type, an inbound payload with a sender is a message")
    func noEventType() throws {
        let body = #"{"data": {"payload": {"id": "m1", "direction": "inbound", "from": {"phone_number": "+12065550123"}}}}"#
        #expect(try Carrier.telnyx.event(Array(body.utf8)).message?.id == "m1")
        let outbound = #"{"data": {"payload": {"id": "m1", "direction": "outbound", "from": {"phone_number": "+12065550123"}}}}"#
        #expect(Carrier.telnyx.refusal(Array(outbound.utf8))?.field == "data.event_type")
    }

    @Test("a message without an id or a sender is refused, naming the field")
    func refusals() throws {
        let noID = try #require(Carrier.telnyx.refusal(received(#""from": {"phone_number": "+12065550123"}"#)))
        #expect(noID.code == .missingField)
        #expect(noID.field == "data.payload.id")

        let noFrom = try #require(Carrier.telnyx.refusal(received(#""id": "m1", "to": [{"phone_number": "+12065550100"}]"#)))
        #expect(noFrom.code == .missingField)
        #expect(noFrom.field == "data.payload.from.phone_number")

        let badFrom = try #require(Carrier.telnyx.refusal(received(#""id": "m1", "from": {"phone_number": "call me!"}"#)))
        #expect(badFrom.code == .invalidValue)
        #expect(badFrom.field == "data.payload.from.phone_number")

        let receiptWithoutID = #"{"data": {"event_type": "message.sent", "payload": {"to": []}}}"#
        #expect(Carrier.telnyx.refusal(Array(receiptWithoutID.utf8))?.field == "data.payload.id")
    }

    @Test("a body that is not a Telnyx event is refused")
    func notAnEvent() throws {
        #expect(Carrier.telnyx.refusal(Array("[]".utf8))?.code == .wrongType)
        #expect(Carrier.telnyx.refusal(Array(#"{"event_type": "message.received"}"#.utf8))?.code == .unknownShape)
        #expect(Carrier.telnyx.refusal(Array(#"{"data": "message.received"}"#.utf8))?.field == "data")
        #expect(Carrier.telnyx.refusal(Array("MessageSid=SM1".utf8))?.code == .malformedJSON)
    }
}
