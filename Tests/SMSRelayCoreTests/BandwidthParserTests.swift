import Foundation
import Testing

import SMSRelayCore

@Suite("Bandwidth webhooks")
struct BandwidthParserTests {
    private func fixture(_ name: String) throws -> ParsedCallback {
        try Carrier.bandwidth.read(try Fixture.data(name, carrier: .bandwidth), receivedAt: arrival)
    }

    /// A batch of one `message-received` callback around a message written as JSON fields.
    private func received(_ message: String, to: String = #""+12065550100""#) -> [UInt8] {
        Array(#"[{"type": "message-received", "time": "2024-03-01T18:22:33Z", "to": \#(to), "message": {\#(message)}}]"#.utf8)
    }

    @Test("the inbound SMS fixture is one message timed at message.time")
    func inboundSMS() throws {
        let parsed = try fixture("message-received-sms.json")
        #expect(parsed.events == [.message(InboundMessage(
            carrier: "bandwidth",
            id: "1589228074636lm4k2je7j7jklbn2",
            from: "+12065550123",
            to: "+12065550100",
            body: "Hey, is the shop open today?",
            receivedAt: utc(2024, 3, 1, 18, 22, 33, plus: 0.276)
        ))])
        #expect(parsed.notices.isEmpty)
    }

    @Test("the group MMS fixture: the others of message.to are the group; the SMIL part is left out")
    func groupMMS() throws {
        let parsed = try fixture("message-received-group-mms.json")
        let message = try #require(parsed.event.message)
        #expect(message.to == "+12065550100")
        #expect(message.groupRecipients == ["+12065550155", "+12065550177"])
        let base = "https://messaging.bandwidth.com/api/v2/users/9900000/media/1589228074636lm4k2je7j7jklbn3/"
        #expect(message.media == [
            MediaItem(url: base + "0/IMG_0421.jpg", fileName: "IMG_0421.jpg"),
            MediaItem(url: base + "2/text.txt", fileName: "text.txt"),
        ])
        #expect(parsed.notices.map(\.field) == ["[0].message.media[1]"])
    }

    @Test("message-delivered is a receipt timed at the callback's time")
    func delivered() throws {
        let receipt = try #require(try fixture("message-delivered.json").event.receipt)
        #expect(receipt == DeliveryReceipt(
            carrier: "bandwidth",
            messageID: "1589228999001ab3c4d5e6f7g8h9",
            status: "message-delivered",
            statusDescription: "ok",
            timestamp: utc(2024, 3, 1, 18, 30, 5, plus: 0.148)
        ))
        #expect(!receipt.isFailure)
    }

    @Test("message-failed is a failed receipt with its errorCode and description")
    func failed() throws {
        let receipt = try #require(try fixture("message-failed.json").event.receipt)
        #expect(receipt.messageID == "1589229999002ab3c4d5e6f7g8h9")
        #expect(receipt.statusCode == "4432")
        #expect(receipt.statusDescription == "forbidden to country")
        #expect(receipt.isFailure)
    }

    @Test("message-sending is ignored")
    func sending() throws {
        #expect(try fixture("message-sending.json").event.ignoredReason?.contains("message-sending") == true)
    }

    @Test("a batch of several callbacks gives one event each, in order")
    func batch() throws {
        let sms = try String(decoding: Fixture.data("message-received-sms.json", carrier: .bandwidth), as: UTF8.self)
        let failed = try String(decoding: Fixture.data("message-failed.json", carrier: .bandwidth), as: UTF8.self)
        let sending = try String(decoding: Fixture.data("message-sending.json", carrier: .bandwidth), as: UTF8.self)
        let inner = [sms, failed, sending].map { $0.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst().dropLast() }
        let parsed = try Carrier.bandwidth.read(Array("[\(inner.joined(separator: ","))]".utf8), receivedAt: arrival)
        #expect(parsed.events.count == 3)
        #expect(parsed.events[0].message?.id == "1589228074636lm4k2je7j7jklbn2")
        #expect(parsed.events[1].receipt?.statusCode == "4432")
        #expect(parsed.events[2].ignoredReason != nil)
    }

    @Test("each owned number's callback of one group message, each with its own id, is kept under one key; our number is left out of the group")
    func groupPerOwnedNumber() throws {
        let message = { (id: String) in
            #""id": "\#(id)", "time": "2024-01-15T20:16:07.503Z", "from": "+12065550123", "to": ["+12065550100", "+12065550101", "+12065550155"], "text": "hi""#
        }
        let first = try #require(try Carrier.bandwidth.event(received(message("g1"), to: #""+12065550100""#)).message)
        let second = try #require(try Carrier.bandwidth.event(received(message("g2"), to: #""+12065550101""#)).message)
        #expect(first.id == "group-12065550123-2024-01-15T20:16:07.503Z")
        #expect(first.id == second.id)
        #expect(first.groupRecipients == ["+12065550101", "+12065550155"])
        #expect(second.to == "+12065550101")
        #expect(second.groupRecipients == ["+12065550100", "+12065550155"])
        // Another message of the same sender to the same group, a moment later, is another key.
        let later = message("g3").replacingOccurrences(of: "07.503Z", with: "09.120Z")
        #expect(try Carrier.bandwidth.event(received(later, to: #""+12065550100""#)).message?.id != first.id)
        // Without a time there is nothing shared to key on: the carrier's id is kept.
        let untimed = #""id": "g4", "from": "+12065550123", "to": ["+12065550100", "+12065550155"], "text": "hi""#
        #expect(try Carrier.bandwidth.event(received(untimed, to: #""+12065550100""#)).message?.id == "g4")
        // A text to one number keeps the carrier's id.
        let single = #""id": "s1", "time": "2024-01-15T20:16:07.503Z", "from": "+12065550123", "to": ["+12065550100"], "text": "hi""#
        #expect(try Carrier.bandwidth.event(received(single, to: #""+12065550100""#)).message?.id == "s1")
    }

    @Test("numbers without +, a missing callback to, no time and unknown fields are read")
    func liberal() throws {
        let body = Array(#"[{"type": "message-received", "message": {"id": "m1", "from": "12065550123", "owner": "12065550100", "to": ["12065550100", "+12065550100"], "text": "hi", "priority": "high"}, "carrierName": "x"}]"#.utf8)
        let message = try #require(try Carrier.bandwidth.event(body).message)
        #expect(message.from == "12065550123")
        #expect(message.to == "12065550100")
        #expect(message.groupRecipients == nil)
        #expect(message.receivedAt == arrival)
        #expect(message.media.isEmpty)
    }

    @Test("without a type, an inbound message is still a message")
    func noType() throws {
        let body = Array(#"[{"to": "+12065550100", "message": {"id": "m1", "from": "+12065550123", "direction": "in"}}]"#.utf8)
        #expect(try Carrier.bandwidth.event(body).message?.id == "m1")
        let outbound = Array(#"[{"message": {"id": "m1", "from": "+12065550123", "direction": "out"}}]"#.utf8)
        #expect(Carrier.bandwidth.refusal(outbound)?.field == "[0].type")
    }

    @Test("a body that is not an array of objects is refused; an empty array is ignored")
    func notABatch() throws {
        let object = try #require(Carrier.bandwidth.refusal(Array(#"{"type": "message-received"}"#.utf8)))
        #expect(object.code == .wrongType)
        #expect(object.description.contains("array"))

        #expect(try Carrier.bandwidth.event(Array("[]".utf8)).ignoredReason?.contains("empty") == true)

        let number = try #require(Carrier.bandwidth.refusal(Array("[1]".utf8)))
        #expect(number.code == .wrongType)
        #expect(number.field == "[0]")
    }

    @Test("a callback without a message id or a sender is refused, naming the field")
    func refusals() throws {
        let noID = try #require(Carrier.bandwidth.refusal(received(#""from": "+12065550123""#)))
        #expect(noID.code == .missingField)
        #expect(noID.field == "[0].message.id")

        let noFrom = try #require(Carrier.bandwidth.refusal(received(#""id": "m1""#)))
        #expect(noFrom.field == "[0].message.from")

        let second = Array(#"[{"type": "message-sending", "message": {}}, {"type": "message-delivered", "message": {"to": []}}]"#.utf8)
        #expect(Carrier.bandwidth.refusal(second)?.field == "[1].message.id")

        let noMessage = Array(#"[{"type": "message-received", "to": "+12065550100"}]"#.utf8)
        #expect(Carrier.bandwidth.refusal(noMessage)?.field == "[0].message")
    }
}
