import Testing

@testable import MailKit

@Suite("Quoted-printable")
struct QuotedPrintableTests {
    static let samples: [String] = [
        "Hello, world",
        "Emoji 😀👍🏽👨‍👩‍👧‍👦 and flags 🇳🇴🇯🇵",
        "Accents: café, naïve, Ærøskøbing, Ångström, façade",
        "Hebrew: שלום עולם, Arabic: مرحبا بالعالم",
        "a = b == c =3D d =",
        "trailing spaces   ",
        "trailing tab\t",
        "line one\nline two  \n\nline four\t\nend",
        String(repeating: "x", count: 300),
        String(repeating: "é", count: 100),
        String(repeating: "😀", count: 40) + " tail",
        String(repeating: "ab ", count: 60),
        ".\n.leading dot\n..",
        "",
        "\n",
    ]

    @Test("text survives an encode and decode round trip", arguments: samples)
    func roundTrip(_ text: String) throws {
        let encoded = QuotedPrintable.encode(text)
        let decoded = try #require(MIMETestSupport.decodeQuotedPrintable(encoded))
        let expected = text.replacingLineBreaks(with: "\r\n")
        #expect(String(decoding: decoded, as: UTF8.self) == expected)
    }

    @Test("every line is at most 76 characters and plain ASCII", arguments: samples)
    func lineLength(_ text: String) throws {
        let lines = try #require(MIMETestSupport.crlfLines(QuotedPrintable.encode(text)))
        for line in lines {
            #expect(line.utf8.count <= 76, "line too long: \(line)")
            #expect(line.utf8.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 })
        }
    }

    @Test("no line ends in white space", arguments: samples)
    func noTrailingWhitespace(_ text: String) throws {
        for line in try #require(MIMETestSupport.crlfLines(QuotedPrintable.encode(text))) {
            #expect(line.last != " " && line.last != "\t", "line ends in white space: \(line)")
        }
    }

    @Test("a soft break never splits the triplets of one UTF-8 sequence", arguments: samples)
    func softBreaksBetweenCharacters(_ text: String) throws {
        // Each physical line, decoded on its own, must be valid UTF-8.
        for line in try #require(MIMETestSupport.crlfLines(QuotedPrintable.encode(text))) {
            var bytes = Array(line.utf8)
            // A literal `=` is always written `=3D`, so a line ending in `=` ends in a soft break.
            if bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
            let decoded = try #require(MIMETestSupport.decodeQuotedPrintable(bytes))
            #expect(String(validating: decoded, as: UTF8.self) != nil, "line splits a character: \(line)")
        }
    }

    @Test("equals signs, trailing white space and leading dots are encoded")
    func specialCharacters() {
        #expect(encoded("a=b") == "a=3Db")
        #expect(encoded("end  ") == "end =20")
        #expect(encoded("tab\t") == "tab=09")
        #expect(encoded("in the middle  ok") == "in the middle  ok")
        #expect(encoded(".\n.x\na.b") == "=2E\r\n=2Ex\r\na.b")
        #expect(encoded("é") == "=C3=A9")
        #expect(encoded("😀") == "=F0=9F=98=80")
    }

    @Test("LF, CR and CRLF all become CRLF hard breaks")
    func lineBreaks() {
        #expect(encoded("a\nb\rc\r\nd") == "a\r\nb\r\nc\r\nd")
        #expect(encoded("a\r\n") == "a\r\n")
    }

    @Test("a line of exactly 76 characters is left whole; a longer one gets a soft break")
    func softBreakThreshold() {
        let exact = String(repeating: "x", count: 76)
        #expect(encoded(exact) == exact)
        let longer = String(repeating: "x", count: 77)
        #expect(encoded(longer) == String(repeating: "x", count: 75) + "=\r\nxx")
    }

    @Test("a soft break before an emoji moves the whole sequence to the next line")
    func emojiAtTheBreak() {
        let text = String(repeating: "x", count: 70) + "😀"
        #expect(encoded(text) == String(repeating: "x", count: 70) + "=\r\n=F0=9F=98=80")
    }

    private func encoded(_ text: String) -> String {
        String(decoding: QuotedPrintable.encode(text), as: UTF8.self)
    }
}

extension String {
    /// The text with each CRLF, LF or lone CR replaced by `separator`.
    func replacingLineBreaks(with separator: String) -> String {
        var result = ""
        var afterCR = false
        for scalar in unicodeScalars {
            defer { afterCR = scalar == "\r" }
            if scalar == "\n", afterCR { continue }
            if scalar == "\r" || scalar == "\n" {
                result += separator
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
