import Testing

@testable import MailKit

@Suite("Transfer decoding of received bodies")
struct TransferDecodingTests {
    @Test("base64 skips line breaks, white space and junk, and tolerates missing padding")
    func base64() {
        let text = Array("Grüße, 😀!".utf8)  // 14 bytes: the last group carries two
        let encoded = ReceivedMessage.base64(text)
        #expect(Base64.decode(Array(encoded.utf8)) == text)
        #expect(Base64.decode(Array(encoded.replacingOccurrences(of: "=", with: "").utf8)) == text)
        let spread = encoded.enumerated().map { "\($0.element)" + ($0.offset % 3 == 0 ? "\r\n" : $0.offset % 5 == 0 ? " \t" : "") }
        #expect(Base64.decode(Array(spread.joined().utf8)) == text)
        #expect(Base64.decode(Array("SGVs*bG8!".utf8)) == Array("Hello".utf8))
        #expect(Base64.decode(Array("SGk=SGk=".utf8)) == Array("HiHi".utf8), "padded pieces one after another")
        #expect(Base64.decode(Array("SGk".utf8)) == Array("Hi".utf8))
        #expect(Base64.decode(Array("S".utf8)) == [])
        #expect(Base64.decode([]) == [])
        let all = Array(0...255).map(UInt8.init)
        #expect(Base64.decode(Base64.encodeLines(all)) == all)
    }

    struct QPCase: Sendable, CustomTestStringConvertible {
        var encoded: String
        var decoded: String
        var testDescription: String { encoded.debugDescription }
    }

    static let quotedPrintableCases: [QPCase] = [
        QPCase(encoded: "caf=C3=A9", decoded: "café"),
        QPCase(encoded: "caf=c3=a9", decoded: "café"),
        QPCase(encoded: "soft=\r\nbreak", decoded: "softbreak"),
        QPCase(encoded: "soft=\nbreak", decoded: "softbreak"),
        QPCase(encoded: "soft= \t\r\nbreak", decoded: "softbreak"),
        QPCase(encoded: "hard\r\nbreak\nkept", decoded: "hard\r\nbreak\nkept"),
        QPCase(encoded: "trailing space \r\nkept", decoded: "trailing space \r\nkept"),
        QPCase(encoded: "a=3Db", decoded: "a=b"),
        QPCase(encoded: "1=G1 and = alone", decoded: "1=G1 and = alone"),
        QPCase(encoded: "100%=", decoded: "100%"),
        QPCase(encoded: "ends =A", decoded: "ends =A"),
        QPCase(encoded: "=\r\n", decoded: ""),
        QPCase(encoded: "==41", decoded: "=A"),
    ]

    @Test("quoted-printable: soft breaks with CRLF or LF, either case of hex, stray = kept", arguments: quotedPrintableCases)
    func quotedPrintable(_ testCase: QPCase) {
        #expect(QuotedPrintable.decode(Array(testCase.encoded.utf8)) == Array(testCase.decoded.utf8))
    }

    @Test("our quoted-printable encoder's output decodes back", arguments: QuotedPrintableTests.samples)
    func quotedPrintableRoundTrip(_ text: String) {
        let decoded = QuotedPrintable.decode(QuotedPrintable.encode(text))
        #expect(String(decoding: decoded, as: UTF8.self) == text.replacingLineBreaks(with: "\r\n"))
    }

    @Test("the Content-Transfer-Encoding is matched in any case; an unknown one leaves the body as is")
    func partEncodings() throws {
        let email = try ReceivedMessage.parse(
            """
            Content-Type: multipart/mixed; boundary=p

            --p
            Content-Transfer-Encoding: BASE64

            aGVsbG8=
            --p
            Content-Transfer-Encoding: Quoted-Printable

            h=C3=A9llo
            --p
            Content-Transfer-Encoding: x-uuencode

            begin 644 x
            --p
            Content-Transfer-Encoding: 8bit
            Content-Type: text/plain; charset=utf-8

            héllo
            --p--
            """
        )
        #expect(email.root.children.map(\.text) == ["hello", "héllo", "begin 644 x", "héllo"])
    }
}
