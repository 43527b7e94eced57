import Testing

@testable import SMTPTransport

@Suite("Dot-stuffing and line endings")
struct DotStuffingTests {
    func encoded(_ text: String) -> String {
        String(decoding: DotStuffing(Array(text.utf8)).bytes, as: UTF8.self)
    }

    @Test("every line that starts with a dot gets a second dot, and the message ends with CRLF.CRLF")
    func stuffing() {
        #expect(encoded("Hello\r\n.\r\n..two\r\n.dot at start\r\nmid.dle\r\n") == "Hello\r\n..\r\n...two\r\n..dot at start\r\nmid.dle\r\n.\r\n")
    }

    @Test("the first line is stuffed too")
    func firstLine() {
        #expect(encoded(".leading") == "..leading\r\n.\r\n")
    }

    @Test("bare LF and bare CR become CRLF; CRLF stays one line ending")
    func lineEndings() {
        #expect(encoded("a\nb\rc\r\nd\n\ne\r\r\n") == "a\r\nb\r\nc\r\nd\r\n\r\ne\r\n\r\n.\r\n")
        #expect(encoded("x\n.y") == "x\r\n..y\r\n.\r\n")
        #expect(encoded("x\r.y") == "x\r\n..y\r\n.\r\n")
    }

    @Test("a missing final line ending is added; an empty message is only the terminator")
    func finalLine() {
        #expect(encoded("no newline") == "no newline\r\n.\r\n")
        #expect(encoded("") == ".\r\n")
    }

    @Test("the size, the longest line and 8-bit data are measured before stuffing")
    func measurements() {
        let body = DotStuffing(Array(".ab\ncdé\n".utf8))
        #expect(body.messageSize == 3 + 2 + 4 + 2)
        #expect(body.longestLine == 4)
        #expect(body.containsEightBitData)
        #expect(!DotStuffing(Array("plain".utf8)).containsEightBitData)
        let long = DotStuffing(Array(String(repeating: "y", count: 1200).utf8))
        #expect(long.longestLine == 1200)
    }

    @Test("no CR or LF is left alone in the output")
    func onlyCRLF() {
        let bytes = DotStuffing(Array("a\rb\n\r\nc\n\rd".utf8)).bytes
        for (index, byte) in bytes.enumerated() {
            if byte == 13 { #expect(index + 1 < bytes.count && bytes[index + 1] == 10) }
            if byte == 10 { #expect(index > 0 && bytes[index - 1] == 13) }
        }
    }
}
