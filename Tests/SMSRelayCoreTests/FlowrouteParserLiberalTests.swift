import Foundation
import Testing

import SMSRelayCore

/// One body the parser must take although it is not what Flowroute documents, and what it must
/// read from it. A refused callback is a lost text, so type drift in a field is read, not refused.
struct DriftedInput: Sendable, CustomTestStringConvertible {
    enum Kind: String, Sendable { case message, receipt, ignored }

    let name: String
    let body: [UInt8]
    let kind: Kind
    var to: String?
    var from: String?
    var text: String?
    var receivedAt: Date?
    var mediaURLs: [String]?
    var unreadableMedia = 0
    /// The field a notice must name, when the parser read past something.
    var notice: String?

    init(_ name: String, _ body: String, _ kind: Kind = .message) {
        self.init(name, Array(body.utf8), kind)
    }

    init(_ name: String, _ body: [UInt8], _ kind: Kind = .message) {
        self.name = name
        self.body = body
        self.kind = kind
    }

    func with(_ change: (inout DriftedInput) -> Void) -> DriftedInput {
        var copy = self
        change(&copy)
        return copy
    }

    var testDescription: String { name }
}

extension DriftedInput {
    static let numbers: [DriftedInput] = [
        DriftedInput("v2.1 'to' as a JSON number", TestPayload.v2Message(to: "16085612999")).with { $0.to = "16085612999" },
        DriftedInput("v2.1 'from' as a JSON number", TestPayload.v2Message(from: "18553569768")).with { $0.from = "18553569768" },
        DriftedInput("v1 'to' and 'from' as JSON numbers", TestPayload.v1(to: "12066418000", from: "18553569768")).with {
            $0.to = "12066418000"
            $0.from = "18553569768"
        },
        DriftedInput("a number written as a float", TestPayload.v1(to: "1.2066418E10")).with { $0.to = "12066418000" },
        DriftedInput("numbers padded with a tab, a no-break space and an ideographic space",
                     TestPayload.v1(to: #""\t12066418000\u00a0""#, from: #""\u300018553569768 ""#)).with {
            $0.to = "12066418000"
            $0.from = "18553569768"
        },
        DriftedInput("a number with formatting", TestPayload.v1(to: #""+1 (206) 641-8000""#)).with { $0.to = "+12066418000" },
        DriftedInput("an alphanumeric sender id", TestPayload.v2Message(from: #""AMAZON""#)).with { $0.from = "AMAZON" },
        DriftedInput("'to' missing", TestPayload.v1(to: nil)).with { $0.to = "" },
        DriftedInput("'to' null", TestPayload.v2Message(to: "null")).with { $0.to = "" },
        DriftedInput("'to' unreadable", TestPayload.v1(to: #""12""#)).with {
            $0.to = ""
            $0.notice = "to"
        },
        DriftedInput("'to' as a huge number", TestPayload.v1(to: "123456789012345678901234567890")).with { $0.to = "" },
        DriftedInput("'id' as a number", TestPayload.v1(id: "42")),
    ]

    static let otherFields: [DriftedInput] = [
        DriftedInput("'is_mms' as the string \"false\"", TestPayload.v2Message(isMMS: #""false""#)),
        DriftedInput("'is_mms' as a number", TestPayload.v2Message(isMMS: "1")),
        DriftedInput("'body' as a number", TestPayload.v2Message(body: "3")).with { $0.text = "3" },
        DriftedInput("'body' as null", TestPayload.v1(body: "null")).with { $0.text = "" },
        DriftedInput("'body' as an array", TestPayload.v1(body: #"["Hello"]"#)).with { $0.text = "" },
        DriftedInput("'body' missing", TestPayload.v1(body: nil)).with { $0.text = "" },
        DriftedInput("'direction' as a boolean", TestPayload.v2Message(direction: "true")),
        DriftedInput("'direction' unknown", TestPayload.v2Message(direction: #""sideways""#)),
        DriftedInput("'amount_nanodollars' of 1e400", TestPayload.v2Message(relationships: nil).replacingOccurrences(of: #""is_mms""#, with: #""amount_nanodollars": 1e400, "is_mms""#)),
        DriftedInput("an unpaired surrogate escape in the body", TestPayload.v1(body: #""a\ud83db""#)).with { $0.text = "a\u{FFFD}b" },
        DriftedInput("a reversed surrogate pair", TestPayload.v1(body: #""\udc00\ud800""#)).with { $0.text = "\u{FFFD}\u{FFFD}" },
        DriftedInput("an emoji as a surrogate pair", TestPayload.v1(body: #""\ud83d\udc4b""#)).with { $0.text = "👋" },
        DriftedInput("a raw control character in the body", TestPayload.v1(body: "\"a\u{07}b\"")).with { $0.text = "a\u{07}b" },
        DriftedInput(
            "invalid UTF-8 in the body",
            Array(#"{"id": "mdr1-x", "to": "12066418000", "from": "18553569768", "body": "ok"#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
        ).with { $0.text = "ok\u{FFFD}\u{FFFD}" },
        DriftedInput("a byte-order mark", [0xEF, 0xBB, 0xBF] + Array(TestPayload.v1().utf8)),
        DriftedInput("objects nested 300 deep in a field nobody reads", TestPayload.v2Message(relationships: String(repeating: #"{"a": "#, count: 300) + "1" + String(repeating: "}", count: 300))),
        DriftedInput("'relationships' as an array", TestPayload.v2Message(relationships: "[]")).with { $0.mediaURLs = [] },
        DriftedInput("'included' as an object", TestPayload.v2Message(included: "{}")).with { $0.mediaURLs = [] },
        DriftedInput("without 'data.type', but a sender", TestPayload.v2Message(type: nil)),
    ]

    static let times: [DriftedInput] = [
        DriftedInput("an RFC 1123 timestamp", TestPayload.v2Message(timestamp: #""Fri, 01 Mar 2024 18:22:33 GMT""#)).with { $0.receivedAt = utc(2024, 3, 1, 18, 22, 33) },
        DriftedInput("an RFC 5322 timestamp with an offset", TestPayload.v2Message(timestamp: #""1 Mar 2024 19:22:33 +0100""#)).with { $0.receivedAt = utc(2024, 3, 1, 18, 22, 33) },
        DriftedInput("epoch seconds", TestPayload.v2Message(timestamp: "1709317353")).with { $0.receivedAt = utc(2024, 3, 1, 18, 22, 33) },
        DriftedInput("epoch seconds as a string", TestPayload.v2Message(timestamp: #""1709317353""#)).with { $0.receivedAt = utc(2024, 3, 1, 18, 22, 33) },
        DriftedInput("epoch milliseconds", TestPayload.v2Message(timestamp: "1709317353250")).with { $0.receivedAt = utc(2024, 3, 1, 18, 22, 33, plus: 0.25) },
        DriftedInput("an ISO timestamp with spaces around it", TestPayload.v2Message(timestamp: #"" 2017-12-21T16:44:35Z ""#)).with { $0.receivedAt = utc(2017, 12, 21, 16, 44, 35) },
        DriftedInput("a timestamp in words", TestPayload.v2Message(timestamp: #""yesterday""#)).with {
            $0.receivedAt = arrival
            $0.notice = "data.attributes.timestamp"
        },
        DriftedInput("a timestamp before 1970", TestPayload.v2Message(timestamp: #""1969-12-31T23:59:59Z""#)).with {
            $0.receivedAt = arrival
            $0.notice = "data.attributes.timestamp"
        },
        DriftedInput("a timestamp in year 0001", TestPayload.v2Message(timestamp: #""0001-01-01T00:00:00Z""#)).with { $0.receivedAt = arrival },
        DriftedInput("a timestamp past 9999", TestPayload.v2Message(timestamp: "300000000000000")).with { $0.receivedAt = arrival },
        DriftedInput("a timestamp on 30 February", TestPayload.v2Message(timestamp: #""2017-02-30T00:00:00Z""#)).with { $0.receivedAt = arrival },
        DriftedInput("a timestamp as an object", TestPayload.v2Message(timestamp: "{}")).with { $0.receivedAt = arrival },
    ]

    static let media: [DriftedInput] = [
        DriftedInput("'file_size' as a string", TestPayload.v2MMS(references: ["a"], media: [TestPayload.media(id: "a", fileSize: #""58017""#)])).with {
            $0.mediaURLs = ["https://media.example.invalid/a"]
        },
        DriftedInput("a media URL of null", TestPayload.v2MMS(references: ["a"], media: [TestPayload.media(id: "a", url: "null")])).with {
            $0.mediaURLs = [""]
            $0.unreadableMedia = 1
        },
        DriftedInput("a media reference to nothing", TestPayload.v2MMS(references: ["a", "missing"], media: [TestPayload.media(id: "a")])).with {
            $0.mediaURLs = ["https://media.example.invalid/a", ""]
            $0.unreadableMedia = 1
            $0.notice = "data.relationships.media.data[1].id"
        },
        DriftedInput("an included media entry without a type", TestPayload.v2Message(
            relationships: #"{"media": {"data": [{"type": "media", "id": "a"}]}}"#,
            included: #"[{"id": "a", "attributes": {"url": "https://media.example.invalid/a"}}]"#
        )).with { $0.mediaURLs = ["https://media.example.invalid/a"] },
        DriftedInput("media without attributes", TestPayload.v2MMS(references: ["a"], media: [#"{"type": "media", "id": "a"}"#])).with {
            $0.mediaURLs = [""]
            $0.unreadableMedia = 1
        },
        DriftedInput("a javascript: media URL is kept, as text", TestPayload.v2MMS(references: ["a"], media: [TestPayload.media(id: "a", url: #""javascript:alert(1)""#)])).with {
            $0.mediaURLs = ["javascript:alert(1)"]
        },
        DriftedInput("a media reference list as one object", TestPayload.v2Message(
            relationships: #"{"media": {"data": {"type": "media", "id": "a"}}}"#, included: "[\(TestPayload.media(id: "a"))]"
        )).with { $0.mediaURLs = ["https://media.example.invalid/a"] },
        DriftedInput("2 000 references to one media item", TestPayload.v2MMS(references: Array(repeating: "a", count: 2000), media: [TestPayload.media(id: "a")])).with {
            $0.mediaURLs = ["https://media.example.invalid/a"]
        },
        DriftedInput("12 media items", TestPayload.v2MMS(references: (1...12).map { "m\($0)" }, media: (1...12).map { TestPayload.media(id: "m\($0)") })).with {
            $0.mediaURLs = (1...10).map { "https://media.example.invalid/m\($0)" }
            $0.notice = "data.relationships.media"
        },
        DriftedInput("two ids with one URL", TestPayload.v2MMS(references: ["a", "b"], media: [
            TestPayload.media(id: "a", url: #""https://media.example.invalid/same""#), TestPayload.media(id: "b", url: #""https://media.example.invalid/same""#),
        ])).with { $0.mediaURLs = ["https://media.example.invalid/same"] },
    ]

    static let receipts: [DriftedInput] = [
        DriftedInput("a receipt with 'level' as a string", TestPayload.receipt(level: #""1""#), .receipt),
        DriftedInput("a receipt without 'status'", TestPayload.receipt(status: nil), .receipt),
        DriftedInput("a receipt with a numeric status", TestPayload.receipt(status: "2"), .receipt),
        DriftedInput("a receipt with a boolean status code", TestPayload.receipt(statusCode: "true"), .receipt),
        DriftedInput("a receipt without attributes", #"{"data": {"type": "delivery_receipt", "id": "mdr2-1"}}"#, .receipt),
        DriftedInput("a receipt timestamp without seconds", TestPayload.receipt(timestamp: #""2024-01-05T17:10Z""#), .receipt),
    ]

    static let ignored: [DriftedInput] = [
        DriftedInput("an outbound message", TestPayload.v2Message(direction: #""outbound""#), .ignored),
        DriftedInput("an outbound message, in capitals", TestPayload.v2Message(direction: #""OUTBOUND""#), .ignored),
        DriftedInput("an unknown event type", TestPayload.v2Message(type: #""number""#), .ignored),
        DriftedInput("a numeric event type", TestPayload.v2Message(type: "1"), .ignored),
    ]

    static let all = numbers + otherFields + times + media + receipts + ignored
}

@Suite("Flowroute type drift and odd values")
struct FlowrouteParserLiberalTests {
    @Test("a drifted body is taken and read as expected", arguments: DriftedInput.all)
    func taken(_ input: DriftedInput) throws {
        let parsed: ParsedCallback
        do {
            parsed = try FlowrouteParser.read(input.body, receivedAt: arrival)
        } catch {
            Issue.record("refused: \(error)")
            return
        }
        switch (input.kind, parsed.event) {
        case (.message, .message(let message)):
            if let to = input.to { #expect(message.to == to) }
            if let from = input.from { #expect(message.from == from) }
            if let text = input.text { #expect(message.body == text) }
            if let time = input.receivedAt { expectSameInstant(message.receivedAt, time) }
            if let urls = input.mediaURLs { #expect(message.media.map(\.url) == urls) }
            #expect(message.media.filter { $0.problem != nil }.count == input.unreadableMedia)
            #expect(message.media.count <= FlowrouteParser.maximumMediaItems)
        case (.receipt, .deliveryReceipt), (.ignored, .ignored):
            break
        default:
            Issue.record("expected \(input.kind), got \(parsed.event)")
        }
        if let field = input.notice {
            #expect(parsed.notices.contains { $0.field == field }, "\(parsed.notices)")
        }
    }

    @Test("a real v2.1 callback with a numeric 'to' keeps the number for the subject")
    func numericTo() throws {
        let body = try Fixture.data("v2-inbound-sms.json")
        var text = String(decoding: body, as: UTF8.self)
        let range = try #require(text.range(of: #""to": "[0-9]+""#, options: .regularExpression))
        text.replaceSubrange(range, with: #""to": 16085612999"#)
        let message = try parseMessage(Array(text.utf8))
        #expect(message.to == "16085612999")
    }
}
