import Foundation
import Testing

import SMSRelayCore

@Suite("Twilio webhooks")
struct TwilioParserTests {
    private func event(_ body: String) throws -> CarrierEvent {
        try Carrier.twilio.event(Array(body.utf8))
    }

    @Test("the incoming SMS fixture is a message timed at its arrival")
    func inboundSMS() throws {
        let event = try Carrier.twilio.event(try Fixture.data("inbound-sms.txt", carrier: .twilio))
        #expect(event == .message(InboundMessage(
            carrier: "twilio",
            id: "SM5f2a0c1d9e8b7a6f5e4d3c2b1a0f9e8d",
            from: "+12065550123",
            to: "+12065550100",
            body: "Are we still on for 5? 👍",
            receivedAt: arrival
        )))
    }

    @Test("the incoming MMS fixture lists its two media with their types, in order")
    func inboundMMS() throws {
        let message = try #require(try Carrier.twilio.event(try Fixture.data("inbound-mms.txt", carrier: .twilio)).message)
        let base = "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MM7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29/Media/"
        #expect(message.id == "MM7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29")
        #expect(message.body == "Photos from the trip")
        #expect(message.media == [
            MediaItem(url: base + "ME11111111111111111111111111111111", mimeType: "image/jpeg"),
            MediaItem(url: base + "ME22222222222222222222222222222222", mimeType: "video/mp4"),
        ])
        #expect(message.groupRecipients == nil)
    }

    @Test("a delivered status callback is a receipt without a code")
    func delivered() throws {
        let event = try Carrier.twilio.event(try Fixture.data("status-delivered.txt", carrier: .twilio))
        #expect(event == .deliveryReceipt(DeliveryReceipt(
            carrier: "twilio", messageID: "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d", status: "delivered", timestamp: arrival
        )))
        #expect(event.receipt?.isFailure == false)
    }

    @Test("an undelivered status callback is a failed receipt with Twilio's error code")
    func undelivered() throws {
        let receipt = try #require(try Carrier.twilio.event(try Fixture.data("status-undelivered.txt", carrier: .twilio)).receipt)
        #expect(receipt.status == "undelivered")
        #expect(receipt.statusCode == "30003")
        #expect(receipt.statusDescription == nil)
        #expect(receipt.isFailure)
    }

    @Test("ErrorMessage is the receipt's explanation")
    func errorMessage() throws {
        let receipt = try #require(try event("MessageSid=SM1&MessageStatus=failed&ErrorCode=30007&ErrorMessage=Message+filtered").receipt)
        #expect(receipt.status == "failed")
        #expect(receipt.statusCode == "30007")
        #expect(receipt.statusDescription == "Message filtered")
    }

    @Test("queued, sent and read callbacks are receipts too, whatever the case")
    func otherStatuses() throws {
        for status in ["queued", "sent", "READ", "accepted"] {
            let receipt = try #require(try event("MessageSid=SM1&MessageStatus=\(status)&From=%2B12065550100").receipt)
            #expect(receipt.status == status.lowercased())
        }
    }

    @Test("SignalWire's incoming message posts the same fields")
    func signalWire() throws {
        let message = try #require(try Carrier.twilio.event(try Fixture.data("signalwire-inbound-sms.txt", carrier: .twilio)).message)
        #expect(message.id == "3f1e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b")
        #expect(message.from == "+12065550123")
        #expect(message.body == "Hello via SignalWire")
    }

    @Test("without a status, a body with From is an incoming message")
    func noStatus() throws {
        let message = try #require(try event("MessageSid=SM1&From=12065550123&To=12065550100&Body=hi").message)
        #expect(message.from == "12065550123")
        #expect(message.to == "12065550100")
        #expect(message.body == "hi")
    }

    @Test("SmsMessageSid or SmsSid stand in for a missing MessageSid")
    func olderIDs() throws {
        #expect(try event("SmsMessageSid=SM2&SmsStatus=received&From=%2B12065550123").message?.id == "SM2")
        #expect(try event("SmsSid=SM3&SmsStatus=received&From=%2B12065550123").message?.id == "SM3")
    }

    @Test("a + sent raw (read as a space) and unknown fields do not matter")
    func liberal() throws {
        let message = try #require(try event("MessageSid=SM1&From=+12065550123&To=+1+206+555+0100&Body=&Unknown=1&AddOns=%7B%7D").message)
        #expect(message.from == "12065550123")
        #expect(message.to == "12065550100")
        #expect(message.body == "")
    }

    @Test("an unreadable To is left out with a notice")
    func unreadableTo() throws {
        let parsed = try Carrier.twilio.read(Array("MessageSid=SM1&From=%2B12065550123&To=%3F%3F".utf8), receivedAt: arrival)
        #expect(parsed.event.message?.to == "")
        #expect(parsed.notices.map(\.field) == ["To"])
    }

    @Test("a media item NumMedia counts but whose URL is missing is kept as unreadable, with a notice")
    func missingMediaURL() throws {
        let body = "MessageSid=MM1&From=%2B12065550123&NumMedia=2&MediaUrl0=https%3A%2F%2Fm.example%2F0&MediaContentType1=image%2Fpng"
        let parsed = try Carrier.twilio.read(Array(body.utf8), receivedAt: arrival)
        let media = try #require(parsed.event.message?.media)
        #expect(media.count == 2)
        #expect(media[0] == MediaItem(url: "https://m.example/0"))
        #expect(media[1].url.isEmpty)
        #expect(media[1].mimeType == "image/png")
        #expect(media[1].problem != nil)
        #expect(parsed.notices.map(\.field) == ["MediaUrl1"])
    }

    @Test("without a readable NumMedia, the MediaUrl fields present are read")
    func mediaWithoutCount() throws {
        let parsed = try Carrier.twilio.read(Array("MessageSid=MM1&From=%2B12065550123&NumMedia=many&MediaUrl0=https%3A%2F%2Fm.example%2F0".utf8), receivedAt: arrival)
        #expect(parsed.event.message?.media == [MediaItem(url: "https://m.example/0")])
        #expect(parsed.notices.map(\.field) == ["NumMedia"])
        #expect(try event("MessageSid=MM1&From=%2B12065550123&MediaUrl0=https%3A%2F%2Fm.example%2F0").message?.media.count == 1)
    }

    @Test("more than ten media are cut to ten, with a notice")
    func mediaLimit() throws {
        let media = (0..<12).map { "MediaUrl\($0)=https%3A%2F%2Fm.example%2F\($0)" }.joined(separator: "&")
        let parsed = try Carrier.twilio.read(Array("MessageSid=MM1&From=%2B12065550123&NumMedia=12&\(media)".utf8), receivedAt: arrival)
        #expect(parsed.event.message?.media.count == 10)
        #expect(parsed.event.message?.media.last?.url == "https://m.example/9")
        #expect(parsed.notices.map(\.field) == ["NumMedia"])
    }

    @Test("a voice webhook posted to the messaging URL is ignored")
    func voiceWebhook() throws {
        #expect(try event("CallSid=CA1&From=%2B12065550123&CallStatus=ringing").ignoredReason != nil)
    }

    @Test("a body without a message id is refused, naming MessageSid")
    func missingID() throws {
        let error = try #require(Carrier.twilio.refusal(Array("From=%2B12065550123&Body=hi".utf8)))
        #expect(error.code == .missingField)
        #expect(error.field == "MessageSid")
    }

    @Test("an incoming message without a sender is refused, naming From")
    func missingFrom() throws {
        let error = try #require(Carrier.twilio.refusal(Array("MessageSid=SM1&SmsStatus=received&Body=hi".utf8)))
        #expect(error.code == .missingField)
        #expect(error.field == "From")
        let invalid = try #require(Carrier.twilio.refusal(Array("MessageSid=SM1&From=not+a+number%21".utf8)))
        #expect(invalid.code == .invalidValue)
        #expect(invalid.field == "From")
    }

    @Test("an empty body and a JSON body are refused as not Twilio's")
    func notAForm() throws {
        #expect(Carrier.twilio.refusal([UInt8]())?.code == .unknownShape)
        #expect(Carrier.twilio.refusal(Array(#"{"MessageSid": "SM1"}"#.utf8))?.code == .unknownShape)
    }
}
