import Foundation
import Testing

@testable import SMSRelayServer

/// The intake's answers are written without `JSONSerialization`: they must still be JSON that
/// an independent parser reads back as the same strings, whatever a reason holds.
@Suite("JSON answers")
struct JSONResponseTests {
    static let awkward = [
        "plain", "", "quote \" and backslash \\", "slash / stays", "line\nbreak\r\ttab",
        "control \u{01}\u{1F}\u{7F}", "non-ASCII: é 日本 😀", "{\"looks\": \"like json\"}",
    ]

    @Test("every string comes back as it went in", arguments: awkward)
    func roundTrip(_ text: String) throws {
        let bytes = JSONResponse.object(["error": .string(text), "field": .string("to")])
        let parsed = try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String])
        #expect(parsed == ["error": text, "field": "to"])
    }

    @Test("integers are numbers, fields keep their order, control characters are escaped")
    func shape() throws {
        let bytes = JSONResponse.object(["id": .integer(9_007_199_254_740_993), "status": .string("a\u{01}b")])
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"id":9007199254740993,"status":"a\u0001b"}"#)
        #expect(JSONResponse.object([:]) == Array("{}".utf8))
        #expect(JSONResponse.errorBody("x") == Array(#"{"error":"x"}"#.utf8))
    }
}
