import Foundation
import Testing

import SMSRelayCore

@Suite("Flowroute parsing rules")
struct FlowrouteParserBehaviourTests {
    @Test("a v2 message without a timestamp is timed at its arrival")
    func missingTimestampUsesArrival() throws {
        let message = try parseMessage(Array(TestPayload.v2Message(timestamp: nil).utf8))
        #expect(message.receivedAt == arrival)
        let withNull = try parseMessage(Array(TestPayload.v2Message(timestamp: "null").utf8))
        #expect(withNull.receivedAt == arrival)
    }

    @Test("a v2 message without a direction is taken as inbound, and the direction's case does not matter")
    func directionDefaultsToInbound() throws {
        #expect(try parseMessage(Array(TestPayload.v2Message(direction: nil).utf8)).body == "Hello")
        #expect(try parseMessage(Array(TestPayload.v2Message(direction: #""INBOUND""#).utf8)).body == "Hello")
    }

    @Test("a null or absent v2 body is empty text")
    func absentBodyIsEmpty() throws {
        #expect(try parseMessage(Array(TestPayload.v2Message(body: nil).utf8)).body == "")
        #expect(try parseMessage(Array(TestPayload.v2Message(body: "null").utf8)).body == "")
    }

    @Test("an empty v1 body is kept as empty text")
    func emptyV1Body() throws {
        #expect(try parseMessage(Array(TestPayload.v1(body: #""""#).utf8)).body == "")
    }

    @Test("phone numbers with a plus sign, and short codes, are accepted as given")
    func phoneNumberForms() throws {
        let message = try parseMessage(Array(TestPayload.v1(to: #""+12066418000""#, from: #""737""#).utf8))
        #expect(message.to == "+12066418000")
        #expect(message.from == "737")
        let longest = String(repeating: "9", count: 20)
        #expect(try parseMessage(Array(TestPayload.v1(from: "\"+\(longest)\"").utf8)).from == "+" + longest)
    }

    @Test("unknown extra fields are ignored")
    func extraFieldsIgnored() throws {
        let body = #"{"to": "12066418000", "from": "18553569768", "body": "Hi", "id": "mdr1-1", "carrier_note": {"x": [1, 2]}}"#
        #expect(try parseMessage(Array(body.utf8)).body == "Hi")
    }

    @Test("a v1 body with emoji and escapes is decoded and kept as is")
    func v1Unicode() throws {
        let message = try parseMessage(Array(TestPayload.v1(body: #""caf\u00e9 \ud83d\ude00 \u05e9\u05dc\u05d5\u05dd\t\u0000""#).utf8))
        #expect(message.body == "café \u{1F600} שלום\t\u{0}")
    }

    @Test("without relationships, every media object in included is taken in its own order")
    func mediaWithoutRelationships() throws {
        let body = TestPayload.v2Message(
            isMMS: "true",
            included: "[\(TestPayload.media(id: "b")), \(TestPayload.media(id: "a"))]"
        )
        let message = try parseMessage(Array(body.utf8))
        #expect(message.media.map(\.url) == ["https://media.example.invalid/b", "https://media.example.invalid/a"])
    }

    @Test("included objects of other types are ignored and media keep only the attributes given")
    func otherIncludedTypesIgnored() throws {
        let media = TestPayload.media(id: "a", fileName: nil, mimeType: "null", fileSize: nil)
        let body = TestPayload.v2Message(
            relationships: #"{"media": {"data": [{"type": "media", "id": "a"}]}}"#,
            included: #"[{"type": "note", "id": "n1", "attributes": {"text": 5}}, \#(media)]"#
        )
        let message = try parseMessage(Array(body.utf8))
        #expect(message.media == [MediaItem(url: "https://media.example.invalid/a")])
    }

    @Test("a media reference listed twice gives the medium once")
    func repeatedReference() throws {
        let body = TestPayload.v2MMS(references: ["a", "a"], media: [TestPayload.media(id: "a")])
        #expect(try parseMessage(Array(body.utf8)).media.count == 1)
    }

    @Test("an empty media relationship means no media, even when included has some")
    func emptyRelationship() throws {
        let body = TestPayload.v2MMS(references: [], media: [TestPayload.media(id: "a")])
        #expect(try parseMessage(Array(body.utf8)).media.isEmpty)
    }

    @Test("a receipt's integer status code is kept as text")
    func integerStatusCode() throws {
        let receipt = try parseReceipt(Array(TestPayload.receipt(statusCode: "1003").utf8))
        #expect(receipt.statusCode == "1003")
    }

    @Test("a receipt without a timestamp, status code or description still parses")
    func minimalReceipt() throws {
        let body = TestPayload.receipt(statusCode: nil, description: nil, level: nil, timestamp: nil)
        let receipt = try parseReceipt(Array(body.utf8))
        #expect(
            receipt
                == DeliveryReceipt(
                    carrier: "flowroute",
                    messageID: "mdr2-0123456789abcdef",
                    status: "delivered",
                    timestamp: arrival
                )
        )
    }

    @Test("a receipt is never mistaken for a message, whatever its attributes")
    func receiptWithMessageFields() throws {
        let body = #"{"data": {"type": "delivery_receipt", "id": "mdr2-1", "attributes": {"status": "delivered", "to": "12065550100", "from": "12065550123", "direction": "outbound"}}}"#
        #expect(try parseReceipt(Array(body.utf8)).status == "delivered")
    }
}

/// Timestamps reach the parser through `data.attributes.timestamp`.
@Suite("Flowroute timestamps")
struct FlowrouteTimestampTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let text: String
        let expected: Date
        var testDescription: String { text }
    }

    static let acceptedForms: [Case] = [
        Case(text: "2017-12-22T01:52:39.39Z", expected: utc(2017, 12, 22, 1, 52, 39, plus: 0.39)),
        Case(text: "2017-12-09T01:26:02.00Z", expected: utc(2017, 12, 9, 1, 26, 2)),
        Case(text: "2017-12-21T16:44:35Z", expected: utc(2017, 12, 21, 16, 44, 35)),
        Case(text: "2017-12-21t16:44:35z", expected: utc(2017, 12, 21, 16, 44, 35)),
        Case(text: "2017-12-21 16:44:35Z", expected: utc(2017, 12, 21, 16, 44, 35)),
        Case(text: "2017-12-21T16:44:35", expected: utc(2017, 12, 21, 16, 44, 35)),
        Case(text: "2017-12-21T16:44:35.5", expected: utc(2017, 12, 21, 16, 44, 35, plus: 0.5)),
        Case(text: "2017-12-21T16:44:35,25Z", expected: utc(2017, 12, 21, 16, 44, 35, plus: 0.25)),
        Case(text: "2017-12-21T16:44:35.123456789123Z", expected: utc(2017, 12, 21, 16, 44, 35, plus: 0.123456789)),
        Case(text: "2017-12-21T17:44:35+01:00", expected: utc(2017, 12, 21, 16, 44, 35)),
        Case(text: "2017-12-21T11:14:35-05:30", expected: utc(2017, 12, 21, 16, 44, 35)),
        Case(text: "2017-12-21T11:14:35-0530", expected: utc(2017, 12, 21, 16, 44, 35)),
        Case(text: "2017-12-21T18:44:35+02", expected: utc(2017, 12, 21, 16, 44, 35)),
        Case(text: "2017-12-22T00:14:35.75+07:30", expected: utc(2017, 12, 21, 16, 44, 35, plus: 0.75)),
        Case(text: "2017-12-21T16:44:35+00:00", expected: utc(2017, 12, 21, 16, 44, 35)),
        Case(text: "2017-12-21T16:44:35-00:00", expected: utc(2017, 12, 21, 16, 44, 35)),
        Case(text: "1970-01-01T00:00:00Z", expected: Date(timeIntervalSince1970: 0)),
        Case(text: "2000-02-29T12:00:00Z", expected: utc(2000, 2, 29, 12, 0, 0)),
        Case(text: "2024-02-29T23:59:59Z", expected: utc(2024, 2, 29, 23, 59, 59)),
        Case(text: "2024-12-31T23:59:59Z", expected: utc(2024, 12, 31, 23, 59, 59)),
        Case(text: "2016-12-31T23:59:60Z", expected: utc(2017, 1, 1, 0, 0, 0)),
        Case(text: "9999-12-31T23:59:59Z", expected: utc(9999, 12, 31, 23, 59, 59)),
        Case(text: "Thu, 21 Dec 2017 16:44:35 GMT", expected: utc(2017, 12, 21, 16, 44, 35)),
        Case(text: " 2017-12-21T16:44:35Z", expected: utc(2017, 12, 21, 16, 44, 35)),
        Case(text: "2017-12-21T16:44:35Z ", expected: utc(2017, 12, 21, 16, 44, 35)),
    ]

    /// Not a time, or out of 1970…9999: the arrival time stands in, with a notice.
    static let unreadableForms = [
        "", "2017-12-21", "2017-12-21T16:44Z", "2017-12-21T16:44:35.Z", "2017-12-21T16:44:35.",
        "17-12-21T16:44:35Z", "2017-1-21T16:44:35Z",
        "2017-12-21T16:44:35ZZ", "2017-12-21T16:44:35+1", "2017-12-21T16:44:35+01:0", "2017-12-21T16:44:35+24:00",
        "2017-12-21T16:44:35+01:60", "2017-00-10T00:00:00Z", "2017-13-01T00:00:00Z", "2017-12-00T00:00:00Z",
        "2017-12-32T00:00:00Z", "2017-04-31T00:00:00Z", "2017-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
        "2017-12-21T24:00:00Z", "2017-12-21T16:60:00Z", "2017-12-21T16:44:61Z", "0000-01-01T00:00:00Z",
        "２０１７-12-21T16:44:35Z", "2017/12/21T16:44:35Z", "2017-12-21T16:44:35 UTC", "Thu, 32 Dec 2017 16:44:35 GMT",
        "1969-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1600-02-29T00:00:00Z",
    ]

    @Test("accepted timestamp forms", arguments: acceptedForms)
    func accepted(_ sample: Case) throws {
        let body = TestPayload.v2Message(timestamp: "\"\(sample.text)\"")
        expectSameInstant(try parseMessage(Array(body.utf8)).receivedAt, sample.expected)
    }

    @Test("unreadable timestamps give the arrival time and a notice naming the field", arguments: unreadableForms)
    func unreadable(_ text: String) throws {
        let body = TestPayload.v2Message(timestamp: "\"\(text)\"")
        let parsed = try FlowrouteParser.read(Array(body.utf8), receivedAt: arrival)
        guard case .message(let message) = parsed.event else {
            Issue.record("expected a message, got \(parsed.event)")
            return
        }
        #expect(message.receivedAt == arrival)
        if !text.isEmpty {
            #expect(parsed.notices.map(\.field) == ["data.attributes.timestamp"])
        }
    }
}
