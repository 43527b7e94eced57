import Foundation
import Testing

import SMSRelayCore

@Suite("Form fields")
struct FormFieldsTests {
    private func fields(_ text: String) -> [FormFields.Field] {
        FormFields(parsing: Array(text.utf8)).fields
    }

    private func field(_ name: String, _ value: String) -> FormFields.Field {
        FormFields.Field(name: name, value: value)
    }

    @Test("plus is a space, escapes decode, a bare name is empty, empty pairs are skipped, a bad escape stays")
    func edgeCases() {
        #expect(fields("a=1&b=%20x+y&c&&d=%zz") == [field("a", "1"), field("b", " x y"), field("c", ""), field("d", "%zz")])
    }

    @Test("repeated names are all kept in order; the subscript gives the first")
    func repeatedNames() {
        let form = FormFields(parsing: Array("a=1&b=2&a=3&a=".utf8))
        #expect(form["a"] == "1")
        #expect(form.values(named: "a") == ["1", "3", ""])
        #expect(form["b"] == "2")
        #expect(form["B"] == nil)
        #expect(form.values(named: "missing").isEmpty)
        #expect(form.pairs.map(\.name) == ["a", "b", "a", "a"])
        #expect(form.pairs.map(\.value) == ["1", "2", "3", ""])
    }

    @Test("percent-encoded and raw UTF-8 decode to the same text")
    func utf8() {
        #expect(fields("t=caf%C3%A9+%E2%98%95+%F0%9F%91%8B") == [field("t", "café ☕ 👋")])
        #expect(fields("t=café ☕") == [field("t", "café ☕")])
        #expect(fields("caf%C3%A9=1") == [field("café", "1")])
    }

    @Test("an escape whose byte is not UTF-8 is kept as written, the valid rest decoded")
    func latin1Escapes() {
        #expect(fields("t=%E9t%C3%A9") == [field("t", "%E9té")])
        #expect(fields("t=%C3") == [field("t", "%C3")])
        #expect(fields("t=%F0%9F%91") == [field("t", "%F0%9F%91")])
    }

    @Test("a raw byte that is not UTF-8 becomes U+FFFD")
    func rawInvalidBytes() {
        let form = FormFields(parsing: [UInt8(ascii: "t"), UInt8(ascii: "="), 0x41, 0xFF, 0x42])
        #expect(form["t"] == "A\u{FFFD}B")
    }

    @Test("a percent sign without two hex digits is kept")
    func truncatedEscapes() {
        #expect(fields("a=100%&b=%4&c=%&d=%%41") == [field("a", "100%"), field("b", "%4"), field("c", "%"), field("d", "%A")])
    }

    @Test("only the first '=' splits a pair; names are decoded too")
    func equalsSigns() {
        #expect(fields("a==b&=x&My+Name%21=v%3Dw") == [field("a", "=b"), field("", "x"), field("My Name!", "v=w")])
    }

    @Test("an empty body, or only separators, has no fields")
    func empty() {
        #expect(FormFields(parsing: [UInt8]()).isEmpty)
        #expect(fields("&&&").isEmpty)
    }

    @Test("escaped control characters and NUL are decoded, never a crash")
    func controlCharacters() {
        #expect(fields("t=a%00b%0D%0Ac") == [field("t", "a\u{0}b\r\nc")])
    }
}
