import Foundation
import Testing

import SMSRelayCore

/// One body the parser must refuse, with the error code and JSON path it must report.
struct BadInput: Sendable, CustomTestStringConvertible {
    let name: String
    let body: [UInt8]
    let code: PayloadError.Code
    let field: String?

    init(_ name: String, _ body: String, _ code: PayloadError.Code, field: String? = nil) {
        self.init(name, Array(body.utf8), code, field: field)
    }

    init(_ name: String, _ body: [UInt8], _ code: PayloadError.Code, field: String? = nil) {
        self.name = name
        self.body = body
        self.code = code
        self.field = field
    }

    var testDescription: String { name }
}

extension BadInput {
    static let notJSON: [BadInput] = [
        BadInput("an empty body", "", .malformedJSON),
        BadInput("only whitespace", " \r\n\t", .malformedJSON),
        BadInput("truncated v1 JSON", #"{"to": "12066418000", "body": "Hel"#, .malformedJSON),
        BadInput("truncated after a comma", #"{"to": "12066418000","#, .malformedJSON),
        BadInput("a bare word", "hello", .malformedJSON),
        BadInput("single-quoted strings", "{'to': '12066418000'}", .malformedJSON),
        BadInput("a number with a leading zero", #"{"to": 0123}"#, .malformedJSON, field: "to"),
        BadInput("a number too large for a double", TestPayload.v1(to: "1e400"), .malformedJSON, field: "to"),
        BadInput("an unpaired surrogate escape", TestPayload.v1(body: #""\ud800""#), .malformedJSON, field: "body"),
        BadInput("a raw control character in a string", TestPayload.v1(body: "\"a\u{07}b\""), .malformedJSON, field: "body"),
        BadInput("invalid UTF-8 in a string", Array(#"{"id": "mdr1-x", "to": "12066418000", "from": "18553569768", "body": ""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8), .malformedJSON, field: "body"),
        BadInput("arrays nested 100 deep", String(repeating: "[", count: 100) + String(repeating: "]", count: 100), .malformedJSON),
        BadInput("100 000 unclosed brackets", String(repeating: "[", count: 100_000), .malformedJSON),
        BadInput("objects nested 100 deep inside data", TestPayload.v2Message(relationships: String(repeating: #"{"a": "#, count: 100) + "1" + String(repeating: "}", count: 100)), .malformedJSON),
    ]

    static let notAnObject: [BadInput] = [
        BadInput("an empty array", "[]", .wrongType),
        BadInput("an array holding the v1 object", "[\(TestPayload.v1())]", .wrongType),
        BadInput("a string", #""str""#, .wrongType),
        BadInput("a number", "42", .wrongType),
        BadInput("a huge integer", "123456789012345678901234567890", .wrongType),
        BadInput("null", "null", .wrongType),
        BadInput("true", "true", .wrongType),
    ]

    static let unknownShapes: [BadInput] = [
        BadInput("an empty object", "{}", .unknownShape),
        BadInput("an unrelated object", #"{"hello": "world", "count": 3}"#, .unknownShape),
        BadInput("an API Gateway proxy event", #"{"body": "{}", "httpMethod": "POST", "resource": "/"}"#, .unknownShape),
    ]

    static let badV1: [BadInput] = [
        BadInput("v1 'to' as a number", TestPayload.v1(to: "12066418000"), .wrongType, field: "to"),
        BadInput("v1 'to' as a huge integer", TestPayload.v1(to: "123456789012345678901234567890"), .wrongType, field: "to"),
        BadInput("v1 'from' as null", TestPayload.v1(from: "null"), .wrongType, field: "from"),
        BadInput("v1 'from' as an object", TestPayload.v1(from: #"{"number": "18553569768"}"#), .wrongType, field: "from"),
        BadInput("v1 'body' as an array", TestPayload.v1(body: #"["Hello"]"#), .wrongType, field: "body"),
        BadInput("v1 'body' as null", TestPayload.v1(body: "null"), .wrongType, field: "body"),
        BadInput("v1 'id' as a number", TestPayload.v1(id: "42"), .wrongType, field: "id"),
        BadInput("v1 without 'id'", TestPayload.v1(id: nil), .missingField, field: "id"),
        BadInput("v1 without 'to'", TestPayload.v1(to: nil), .missingField, field: "to"),
        BadInput("v1 without 'from'", TestPayload.v1(from: nil), .missingField, field: "from"),
        BadInput("v1 without 'body'", TestPayload.v1(body: nil), .missingField, field: "body"),
        BadInput("v1 with only a body", #"{"body": "hi"}"#, .missingField, field: "id"),
        BadInput("v1 empty 'id'", TestPayload.v1(id: #""""#), .invalidValue, field: "id"),
        BadInput("v1 blank 'id'", TestPayload.v1(id: #""   ""#), .invalidValue, field: "id"),
        BadInput("v1 'id' with a newline", TestPayload.v1(id: #""mdr1-a\nb""#), .invalidValue, field: "id"),
        BadInput("v1 'id' of 257 characters", TestPayload.v1(id: "\"\(String(repeating: "a", count: 257))\""), .invalidValue, field: "id"),
        BadInput("v1 'to' of two digits", TestPayload.v1(to: #""12""#), .invalidValue, field: "to"),
        BadInput("v1 'to' of 21 digits", TestPayload.v1(to: "\"\(String(repeating: "1", count: 21))\""), .invalidValue, field: "to"),
        BadInput("v1 'to' with dashes", TestPayload.v1(to: #""1-206-641-8000""#), .invalidValue, field: "to"),
        BadInput("v1 'to' with two plus signs", TestPayload.v1(to: #""++12066418000""#), .invalidValue, field: "to"),
        BadInput("v1 'to' empty", TestPayload.v1(to: #""""#), .invalidValue, field: "to"),
        BadInput("v1 'from' with Arabic-Indic digits", TestPayload.v1(from: #""١٢٣٤٥٦٧""#), .invalidValue, field: "from"),
        BadInput("v1 'from' as a name", TestPayload.v1(from: #""Alice""#), .invalidValue, field: "from"),
        BadInput("v1 'from' with an HTML tag", TestPayload.v1(from: #""<b>1206</b>""#), .invalidValue, field: "from"),
    ]

    static let badV2: [BadInput] = [
        BadInput("v2 'data' as an array", #"{"data": []}"#, .wrongType, field: "data"),
        BadInput("v2 'data' as null", #"{"data": null}"#, .wrongType, field: "data"),
        BadInput("v2 without 'data.type'", TestPayload.v2Message(type: nil), .missingField, field: "data.type"),
        BadInput("v2 'data.type' as a number", TestPayload.v2Message(type: "1"), .wrongType, field: "data.type"),
        BadInput("v2 unknown 'data.type'", TestPayload.v2Message(type: #""number""#), .invalidValue, field: "data.type"),
        BadInput("v2 without 'data.id'", TestPayload.v2Message(id: nil), .missingField, field: "data.id"),
        BadInput("v2 empty 'data.id'", TestPayload.v2Message(id: #""""#), .invalidValue, field: "data.id"),
        BadInput("v2 without attributes", #"{"data": {"type": "message", "id": "mdr2-1"}}"#, .missingField, field: "data.attributes"),
        BadInput("v2 attributes as a string", #"{"data": {"type": "message", "id": "mdr2-1", "attributes": "to=1"}}"#, .wrongType, field: "data.attributes"),
        BadInput("v2 'to' as a number", TestPayload.v2Message(to: "12065550100"), .wrongType, field: "data.attributes.to"),
        BadInput("v2 'to' as null", TestPayload.v2Message(to: "null"), .wrongType, field: "data.attributes.to"),
        BadInput("v2 without 'from'", TestPayload.v2Message(from: nil), .missingField, field: "data.attributes.from"),
        BadInput("v2 'from' not a phone number", TestPayload.v2Message(from: #""sender""#), .invalidValue, field: "data.attributes.from"),
        BadInput("v2 'body' as a number", TestPayload.v2Message(body: "3"), .wrongType, field: "data.attributes.body"),
        BadInput("v2 'is_mms' as a string", TestPayload.v2Message(isMMS: #""yes""#), .wrongType, field: "data.attributes.is_mms"),
        BadInput("v2 'is_mms' as a number", TestPayload.v2Message(isMMS: "1"), .wrongType, field: "data.attributes.is_mms"),
        BadInput("v2 'direction' outbound", TestPayload.v2Message(direction: #""outbound""#), .invalidValue, field: "data.attributes.direction"),
        BadInput("v2 'direction' as a boolean", TestPayload.v2Message(direction: "true"), .wrongType, field: "data.attributes.direction"),
        BadInput("v2 'timestamp' in words", TestPayload.v2Message(timestamp: #""yesterday""#), .invalidValue, field: "data.attributes.timestamp"),
        BadInput("v2 'timestamp' as epoch seconds", TestPayload.v2Message(timestamp: "1513907559"), .wrongType, field: "data.attributes.timestamp"),
        BadInput("v2 'timestamp' on 30 February", TestPayload.v2Message(timestamp: #""2017-02-30T00:00:00Z""#), .invalidValue, field: "data.attributes.timestamp"),
        BadInput("v2 'relationships' as an array", TestPayload.v2Message(relationships: "[]"), .wrongType, field: "data.relationships"),
        BadInput("v2 'included' as an object", TestPayload.v2Message(included: "{}"), .wrongType, field: "included"),
        BadInput("v2 included entry that is a string", TestPayload.v2Message(included: #"[\#(TestPayload.media(id: "a")), "b"]"#), .wrongType, field: "included[1]"),
        BadInput("v2 included entry without a type", TestPayload.v2Message(included: #"[{"id": "a"}]"#), .missingField, field: "included[0].type"),
        BadInput("v2 media reference to nothing", TestPayload.v2MMS(references: ["a", "missing"], media: [TestPayload.media(id: "a")]), .invalidValue, field: "data.relationships.media.data[1].id"),
        BadInput("v2 media reference of another type", TestPayload.v2Message(relationships: #"{"media": {"data": [{"type": "image", "id": "a"}]}}"#, included: "[\(TestPayload.media(id: "a"))]"), .invalidValue, field: "data.relationships.media.data[0].type"),
        BadInput("v2 media reference list as an object", TestPayload.v2Message(relationships: #"{"media": {"data": {"type": "media", "id": "a"}}}"#), .wrongType, field: "data.relationships.media.data"),
        BadInput("v2 media without attributes", TestPayload.v2MMS(references: ["a"], media: [#"{"type": "media", "id": "a"}"#]), .missingField, field: "included[0].attributes"),
        BadInput("v2 media without a URL", TestPayload.v2MMS(references: ["a"], media: [#"{"type": "media", "id": "a", "attributes": {"file_name": "x.jpg"}}"#]), .missingField, field: "included[0].attributes.url"),
        BadInput("v2 media with a javascript: URL", TestPayload.v2MMS(references: ["a"], media: [TestPayload.media(id: "a", url: #""javascript:alert(1)""#)]), .invalidValue, field: "included[0].attributes.url"),
        BadInput("v2 media with a relative URL", TestPayload.v2MMS(references: ["a"], media: [TestPayload.media(id: "a", url: #""/media/a.jpg""#)]), .invalidValue, field: "included[0].attributes.url"),
        BadInput("v2 media with a negative size", TestPayload.v2MMS(references: ["a"], media: [TestPayload.media(id: "a", fileSize: "-1")]), .invalidValue, field: "included[0].attributes.file_size"),
        BadInput("v2 media with a size in words", TestPayload.v2MMS(references: ["a"], media: [TestPayload.media(id: "a", fileSize: #""big""#)]), .wrongType, field: "included[0].attributes.file_size"),
        BadInput("v2 media with a fractional size", TestPayload.v2MMS(references: ["a"], media: [TestPayload.media(id: "a", fileSize: "1.5")]), .wrongType, field: "included[0].attributes.file_size"),
        BadInput("v2 media with a size beyond 64 bits", TestPayload.v2MMS(references: ["a"], media: [TestPayload.media(id: "a", fileSize: "99999999999999999999")]), .wrongType, field: "included[0].attributes.file_size"),
        BadInput("v2 media with a numeric file name", TestPayload.v2MMS(references: ["a"], media: [TestPayload.media(id: "a", fileName: "7")]), .wrongType, field: "included[0].attributes.file_name"),
    ]

    static let badReceipts: [BadInput] = [
        BadInput("receipt without 'status'", TestPayload.receipt(status: nil), .missingField, field: "data.attributes.status"),
        BadInput("receipt 'status' as a number", TestPayload.receipt(status: "2"), .wrongType, field: "data.attributes.status"),
        BadInput("receipt 'status_code' as a boolean", TestPayload.receipt(statusCode: "true"), .wrongType, field: "data.attributes.status_code"),
        BadInput("receipt 'status_code' as a fraction", TestPayload.receipt(statusCode: "10.5"), .wrongType, field: "data.attributes.status_code"),
        BadInput("receipt 'status_code_description' as a number", TestPayload.receipt(description: "5"), .wrongType, field: "data.attributes.status_code_description"),
        BadInput("receipt 'level' as a string", TestPayload.receipt(level: #""2""#), .wrongType, field: "data.attributes.level"),
        BadInput("receipt empty 'id'", TestPayload.receipt(id: #""""#), .invalidValue, field: "data.id"),
        BadInput("receipt 'timestamp' without seconds", TestPayload.receipt(timestamp: #""2024-01-05T17:10Z""#), .invalidValue, field: "data.attributes.timestamp"),
        BadInput("receipt without attributes", #"{"data": {"type": "delivery_receipt", "id": "mdr2-1"}}"#, .missingField, field: "data.attributes"),
    ]

    static let all = notJSON + notAnObject + unknownShapes + badV1 + badV2 + badReceipts
}

@Suite("Flowroute bad input")
struct FlowrouteParserErrorTests {
    @Test("a bad body is refused with the expected code and field path", arguments: BadInput.all)
    func refused(_ input: BadInput) throws {
        let error = try #require(parseError(input.body))
        #expect(error.code == input.code, "\(error)")
        #expect(error.field == input.field, "\(error)")
        if let field = input.field {
            #expect(error.description.contains(field), "the message should name the field: \(error)")
        }
    }

    @Test("a wrong type names the field and both kinds")
    func wrongTypeMessage() throws {
        let error = try #require(parseError(Array(TestPayload.v2Message(to: "12065550100").utf8)))
        #expect(error == .wrongType("data.attributes.to", expected: "a string, not a number"))
        #expect(error.description == "field 'data.attributes.to' must be a string, not a number")
    }

    @Test("a truncated body says where the JSON ended")
    func truncationMessage() throws {
        let error = try #require(parseError(Array(#"{"to": "1"#.utf8)))
        #expect(error.code == .malformedJSON)
        #expect(error.description.hasPrefix("body is not valid JSON: "))
        #expect(error.description.lowercased().contains("end of file"))
    }

    @Test("an error quotes at most a short prefix of a long value")
    func longValuesAreNotEchoed() throws {
        let long = String(repeating: "x", count: 10_000)
        let error = try #require(parseError(Array(TestPayload.v2Message(direction: "\"\(long)\"").utf8)))
        #expect(error.field == "data.attributes.direction")
        #expect(error.description.count < 200)
    }

    @Test("every proper prefix of every fixture is refused as malformed JSON")
    func truncatedFixtures() throws {
        for name in try Fixture.allJSONNames() {
            let bytes = Array(try Fixture.data(name))
            var end = bytes.count
            while end > 0, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[end - 1]) { end -= 1 }
            for length in 0..<end {
                let error = parseError(bytes[..<length])
                #expect(error?.code == .malformedJSON, "\(name) cut at \(length): \(String(describing: error))")
            }
        }
    }

    @Test("random byte damage to the fixtures never crashes the parser")
    func damagedFixtures() throws {
        var random = SplitMix64(seed: 0x5EED_F10E)
        for name in try Fixture.allJSONNames() {
            let original = Array(try Fixture.data(name))
            for _ in 0..<300 {
                var damaged = original
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    let position = Int(random.next() % UInt64(damaged.count))
                    switch random.next() % 3 {
                    case 0: damaged[position] = UInt8(truncatingIfNeeded: random.next())
                    case 1: damaged.remove(at: position)
                    default: damaged.insert(Array(#"{}[]",:0\"#.utf8)[Int(random.next() % 9)], at: position)
                    }
                    if damaged.isEmpty { damaged = [0x7B] }
                }
                // Either outcome is fine; the test is that we get one.
                _ = try? FlowrouteParser.parse(damaged, receivedAt: arrival)
            }
        }
    }
}

/// A small deterministic generator, so that a failing damage case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
