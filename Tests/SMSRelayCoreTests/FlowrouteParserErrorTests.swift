import Foundation
import Testing
import TestSupport

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
    /// Bodies that are not JSON at all.
    static let notJSON: [BadInput] = [
        BadInput("an empty body", "", .malformedJSON),
        BadInput("only whitespace", " \r\n\t", .malformedJSON),
        BadInput("truncated v1 JSON", #"{"to": "12066418000", "body": "Hel"#, .malformedJSON),
        BadInput("truncated after a comma", #"{"to": "12066418000","#, .malformedJSON),
        BadInput("a bare word", "hello", .malformedJSON),
        BadInput("single-quoted strings", "{'to': '12066418000'}", .malformedJSON),
        BadInput("a minus sign alone", #"{"to": -}"#, .malformedJSON),
        BadInput("a number without exponent digits", #"{"to": 1e}"#, .malformedJSON),
        BadInput("an unknown escape", TestPayload.v1(body: #""a\qb""#), .malformedJSON),
        BadInput("a \\u escape with three hex digits", TestPayload.v1(body: #""\u12G4""#), .malformedJSON),
        BadInput("100 000 unclosed brackets", String(repeating: "[", count: 100_000), .malformedJSON),
        BadInput("100 000 unclosed brackets inside data", #"{"data": {"x": "# + String(repeating: "[", count: 100_000), .malformedJSON),
        BadInput("deep nesting broken at the bottom", TestPayload.v2Message(relationships: String(repeating: "[", count: 500) + "1," + String(repeating: "]", count: 500)), .malformedJSON),
        BadInput("two values", TestPayload.v1() + " " + TestPayload.v1(), .malformedJSON),
    ]

    static let notAnObject: [BadInput] = [
        BadInput("an empty array", "[]", .wrongType),
        BadInput("an array holding the v1 object", "[\(TestPayload.v1())]", .wrongType),
        BadInput("a string", #""str""#, .wrongType),
        BadInput("a number", "42", .wrongType),
        BadInput("a huge integer", "123456789012345678901234567890", .wrongType),
        BadInput("null", "null", .wrongType),
        BadInput("true", "true", .wrongType),
        BadInput("arrays nested 300 deep", String(repeating: "[", count: 300) + String(repeating: "]", count: 300), .wrongType),
    ]

    static let unknownShapes: [BadInput] = [
        BadInput("an empty object", "{}", .unknownShape),
        BadInput("an unrelated object", #"{"hello": "world", "count": 3}"#, .unknownShape),
    ]

    /// A message without an id or a sender cannot become an email: these are the only refusals
    /// of a Flowroute-shaped body.
    static let badV1: [BadInput] = [
        BadInput("v1 'from' as null", TestPayload.v1(from: "null"), .wrongType, field: "from"),
        BadInput("v1 'from' as an object", TestPayload.v1(from: #"{"number": "18553569768"}"#), .wrongType, field: "from"),
        BadInput("v1 'from' as a boolean", TestPayload.v1(from: "true"), .wrongType, field: "from"),
        BadInput("v1 'from' as a negative number", TestPayload.v1(from: "-18553569768"), .wrongType, field: "from"),
        BadInput("v1 'id' as an array", TestPayload.v1(id: #"["mdr1-x"]"#), .wrongType, field: "id"),
        BadInput("v1 without 'id'", TestPayload.v1(id: nil), .missingField, field: "id"),
        BadInput("v1 without 'from'", TestPayload.v1(from: nil), .missingField, field: "from"),
        BadInput("v1 with only a body", #"{"body": "hi"}"#, .missingField, field: "id"),
        BadInput("v1 empty 'id'", TestPayload.v1(id: #""""#), .invalidValue, field: "id"),
        BadInput("v1 blank 'id'", TestPayload.v1(id: #""   ""#), .invalidValue, field: "id"),
        BadInput("v1 'id' with a newline", TestPayload.v1(id: #""mdr1-a\nb""#), .invalidValue, field: "id"),
        BadInput("v1 'id' of 257 characters", TestPayload.v1(id: "\"\(String(repeating: "a", count: 257))\""), .invalidValue, field: "id"),
        BadInput("v1 'from' with Arabic-Indic digits", TestPayload.v1(from: #""١٢٣٤٥٦٧""#), .invalidValue, field: "from"),
        BadInput("v1 'from' with an HTML tag", TestPayload.v1(from: #""<b>1206</b>""#), .invalidValue, field: "from"),
        BadInput("v1 'from' of two digits", TestPayload.v1(from: #""12""#), .invalidValue, field: "from"),
        BadInput("v1 'from' empty", TestPayload.v1(from: #""""#), .invalidValue, field: "from"),
        BadInput("v1 'from' a sentence", TestPayload.v1(from: #""call me maybe""#), .invalidValue, field: "from"),
    ]

    static let badV2: [BadInput] = [
        BadInput("v2 'data' as an array", #"{"data": []}"#, .wrongType, field: "data"),
        BadInput("v2 'data' as null", #"{"data": null}"#, .wrongType, field: "data"),
        BadInput("v2 without 'data.type' nor a sender", #"{"data": {"id": "mdr2-1", "attributes": {"to": "12065550100"}}}"#, .missingField, field: "data.type"),
        BadInput("v2 without 'data.id'", TestPayload.v2Message(id: nil), .missingField, field: "data.id"),
        BadInput("v2 empty 'data.id'", TestPayload.v2Message(id: #""""#), .invalidValue, field: "data.id"),
        BadInput("v2 without attributes", #"{"data": {"type": "message", "id": "mdr2-1"}}"#, .missingField, field: "data.attributes"),
        BadInput("v2 attributes as a string", #"{"data": {"type": "message", "id": "mdr2-1", "attributes": "to=1"}}"#, .wrongType, field: "data.attributes"),
        BadInput("v2 without 'from'", TestPayload.v2Message(from: nil), .missingField, field: "data.attributes.from"),
        BadInput("v2 'from' as null", TestPayload.v2Message(from: "null"), .wrongType, field: "data.attributes.from"),
        BadInput("v2 'from' not a phone number", TestPayload.v2Message(from: #""sender 1""#), .invalidValue, field: "data.attributes.from"),
    ]

    static let badReceipts: [BadInput] = [
        BadInput("receipt empty 'id'", TestPayload.receipt(id: #""""#), .invalidValue, field: "data.id"),
        BadInput("receipt without 'id'", TestPayload.receipt(id: nil), .missingField, field: "data.id"),
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
        let error = try #require(parseError(Array(TestPayload.v2Message(from: #"{"n": 1}"#).utf8)))
        #expect(error == .wrongType("data.attributes.from", expected: "a phone number (a string or an integer), not an object"))
        #expect(error.description == "field 'data.attributes.from' must be a phone number (a string or an integer), not an object")
    }

    @Test("a truncated body says where the JSON ended")
    func truncationMessage() throws {
        let error = try #require(parseError(Array(#"{"to": "1"#.utf8)))
        #expect(error.code == .malformedJSON)
        #expect(error.description == "body is not valid JSON: a string is not closed (at byte 9)")
    }

    @Test("an answer quotes at most a short prefix of a long value")
    func longValuesAreNotEchoed() throws {
        let long = String(repeating: "x", count: 10_000)
        let error = try #require(parseError(Array(TestPayload.v2Message(id: "\"\(long)\"").utf8)))
        #expect(error.field == "data.id")
        #expect(error.description.count < 200)
        let ignored = try FlowrouteParser.parse(Array(TestPayload.v2Message(type: "\"\(long)\"").utf8), receivedAt: arrival)
        guard case .ignored(let reason) = ignored else {
            Issue.record("expected ignored, got \(ignored)")
            return
        }
        #expect(reason.count < 200)
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
