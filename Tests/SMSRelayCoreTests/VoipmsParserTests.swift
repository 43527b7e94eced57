import Foundation
import Testing

import SMSRelayCore

@Suite("VoIP.ms SMS URL callbacks")
struct VoipmsParserTests {
    /// An arrival after every date in the fixtures, which are read as Eastern time.
    static let later = utc(2024, 12, 1, 0, 0, 0)

    private func fixture(_ name: String) throws -> ParsedCallback {
        try Carrier.voipms.read(try Fixture.data(name, carrier: .voipms), receivedAt: Self.later)
    }

    private func read(_ query: String, at receivedAt: Date = later) throws -> ParsedCallback {
        try Carrier.voipms.read(Array(query.utf8), receivedAt: receivedAt)
    }

    @Test("the SMS fixture is a message, VoIP.ms's ten-digit numbers with their country code, its date read as Eastern standard time")
    func inboundSMS() throws {
        let parsed = try fixture("inbound-sms.txt")
        #expect(parsed.events == [.message(InboundMessage(
            carrier: "voipms",
            id: "412345678",
            from: "12065550123",
            to: "12065550100",
            body: "Running 10 minutes late, sorry!",
            receivedAt: utc(2024, 1, 15, 15, 30, 0)
        ))])
        #expect(parsed.notices.isEmpty)
    }

    @Test("the MMS fixture lists its comma-separated media; its summer date is read as Eastern daylight time")
    func inboundMMS() throws {
        let message = try #require(try fixture("inbound-mms.txt").event.message)
        #expect(message.body == "")
        #expect(message.receivedAt == utc(2024, 7, 5, 1, 5, 9))
        #expect(message.media == [
            MediaItem(url: "https://voip.ms/media/example/photo-1.jpg", fileName: "photo-1.jpg"),
            MediaItem(url: "https://voip.ms/media/example/photo-2.png", fileName: "photo-2.png"),
        ])
    }

    @Test("pairs separated by ';' are read, and an unfilled {MEDIA} placeholder is no media")
    func semicolons() throws {
        let message = try #require(try fixture("inbound-semicolons.txt").event.message)
        #expect(message.id == "412345680")
        #expect(message.body == "Hi there")
        #expect(message.media.isEmpty)
        #expect(message.receivedAt == utc(2024, 1, 15, 15, 31, 0))
    }

    @Test("in a query with '&', a ';' in the text is text")
    func semicolonInText() throws {
        #expect(try read("id=1&from=2065550123&message=a;b=c").event.message?.body == "a;b=c")
    }

    @Test("a date after the arrival cannot be Eastern time: the arrival is used, with a notice")
    func futureDate() throws {
        let arrivedAt = utc(2024, 1, 15, 15, 0, 0)
        let parsed = try read("id=1&from=2065550123&date=2024-01-15+10%3A30%3A00", at: arrivedAt)
        #expect(parsed.event.message?.receivedAt == arrivedAt)
        #expect(parsed.notices.map(\.field) == ["date"])
    }

    @Test("a date with a zone or a Unix time is read as it says; an unreadable one gets a notice")
    func otherDates() throws {
        #expect(try read("id=1&from=2065550123&date=2024-01-15T10%3A30%3A00Z").event.message?.receivedAt == utc(2024, 1, 15, 10, 30, 0))
        #expect(try read("id=1&from=2065550123&timestamp=1705314600").event.message?.receivedAt == utc(2024, 1, 15, 10, 30, 0))
        let unreadable = try read("id=1&from=2065550123&date=yesterday")
        #expect(unreadable.event.message?.receivedAt == Self.later)
        #expect(unreadable.notices.map(\.field) == ["date"])
        let impossible = try read("id=1&from=2065550123&date=2024-02-30+10%3A00%3A00")
        #expect(impossible.event.message?.receivedAt == Self.later)
        #expect(impossible.notices.map(\.field) == ["date"])
    }

    @Test("other names for the text, numbers with a country code and unknown fields are read")
    func liberal() throws {
        let message = try #require(try read("id=9&from=%2B12065550123&to=1-206-555-0100&text=hello&carrier=x&date={TIMESTAMP}").event.message)
        #expect(message.from == "+12065550123")
        #expect(message.to == "12065550100")
        #expect(message.body == "hello")
        #expect(message.receivedAt == Self.later)
        // A short code is not a North American number: kept as given.
        #expect(try read("id=10&from=72345&to=2065550100&message=code").event.message?.from == "72345")
    }

    @Test("a callback without an id or a sender is refused, naming the field")
    func refusals() throws {
        let noID = try #require(Carrier.voipms.refusal(Array("from=2065550123&message=hi".utf8)))
        #expect(noID.code == .missingField)
        #expect(noID.field == "id")

        let placeholderID = try #require(Carrier.voipms.refusal(Array("id={ID}&from=2065550123".utf8)))
        #expect(placeholderID.field == "id")

        let noFrom = try #require(Carrier.voipms.refusal(Array("id=1&message=hi".utf8)))
        #expect(noFrom.code == .missingField)
        #expect(noFrom.field == "from")
    }

    @Test("a JSON body is refused with a hint to use the URL callback; an empty one as not VoIP.ms's")
    func jsonAndEmpty() throws {
        let json = try #require(Carrier.voipms.refusal(Array(#"{"data": {"event_type": "message.received"}}"#.utf8)))
        #expect(json.code == .unknownShape)
        #expect(json.description.contains("URL callback"))
        #expect(Carrier.voipms.refusal([UInt8]())?.code == .unknownShape)
    }
}
