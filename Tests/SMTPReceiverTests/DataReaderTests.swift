import Testing

@testable import SMTPReceiver

/// The DATA reader alone: byte-exact lines, transparency dots, the final dot, wherever the reads
/// split the bytes.
@Suite("SMTP DATA reader")
struct DataReaderTests {
    /// Feeds `chunks` one after another; returns the outcome and the octets left after the final dot.
    func read(_ chunks: [[UInt8]], limit: Int = 10_000) -> (SMTPDataReader.Outcome?, [UInt8]) {
        var reader = SMTPDataReader(maximumSize: limit)
        for (index, chunk) in chunks.enumerated() {
            let (used, outcome) = reader.consume(chunk[...])
            if let outcome {
                return (outcome, Array(chunk[used...]) + chunks[(index + 1)...].flatMap { $0 })
            }
            #expect(used == chunk.count)
        }
        return (nil, [])
    }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("a leading dot is removed from each line that has one; other dots stay")
    func dotUnstuffing() {
        let (outcome, rest) = read([bytes("..leading\r\n.\r\nnot the end\r\n...\r\na.b.\r\n.\r\nQUIT\r\n")])
        // ".\r\n" right after the first line is the end; what follows is the next command.
        #expect(outcome == .message(bytes(".leading\r\n")))
        #expect(rest == bytes("not the end\r\n...\r\na.b.\r\n.\r\nQUIT\r\n"))
        let (second, _) = read([bytes("..\r\n...\r\n. \r\na.b.\r\n.\r\n")])
        #expect(second == .message(bytes(".\r\n..\r\n \r\na.b.\r\n")))
    }

    @Test("an empty message is the final dot alone")
    func emptyMessage() {
        #expect(read([bytes(".\r\n")]).0 == .message([]))
    }

    @Test("bytes are kept as sent: bare LF, bare CR, 8-bit and NUL octets, CRLF inside a line")
    func byteExact() {
        let message: [UInt8] = bytes("Subject: caf\u{e9}\r\nbare lf\nbare\rcr\r\n") + [0, 0xff, 0x80] + bytes("\r\n")
        #expect(read([message + bytes(".\r\n")]).0 == .message(message))
        #expect(read([bytes("unix\n.\n")]).0 == .message(bytes("unix\n")), "a bare LF ends the final dot line too")
        #expect(read([bytes("x\r\n.\rmore\r\n.\r\n")]).0 == .message(bytes("x\r\n\rmore\r\n")), "\".\\r\" is not the end; its dot is a transparency dot")
    }

    @Test("the outcome is the same wherever the reads split the bytes")
    func splitAnywhere() {
        let wire = bytes("Line one\r\n..dotted\r\n\r\nlast\r\n.\r\nNOOP\r\n")
        let expected = SMTPDataReader.Outcome.message(bytes("Line one\r\n.dotted\r\n\r\nlast\r\n"))
        #expect(read(wire.map { [$0] }).0 == expected)
        #expect(read(wire.map { [$0] }).1 == bytes("NOOP\r\n"))
        for cut in 1..<wire.count {
            let (outcome, rest) = read([Array(wire[..<cut]), Array(wire[cut...])])
            #expect(outcome == expected, "cut at \(cut)")
            #expect(rest == bytes("NOOP\r\n"), "cut at \(cut)")
        }
    }

    @Test("over the size limit the message is dropped and the rest read to the final dot")
    func tooLarge() {
        let line = bytes(String(repeating: "a", count: 48) + "\r\n")
        let (outcome, rest) = read(Array(repeating: line, count: 5) + [bytes(".\r\nRSET\r\n")], limit: 200)
        #expect(outcome == .tooLarge)
        #expect(rest == bytes("RSET\r\n"))
    }

    @Test("a line over 1000 octets, even one that never ends, spoils the message but not the reading")
    func longLine() {
        let (outcome, _) = read([bytes(String(repeating: "l", count: 1001)), bytes(String(repeating: "l", count: 5000)), bytes("\r\nafter\r\n.\r\n")], limit: 100_000)
        #expect(outcome == .lineTooLong)
        #expect(read([bytes(String(repeating: "l", count: 999) + "\n.\r\n")], limit: 100_000).0 == .message(bytes(String(repeating: "l", count: 999) + "\n")))
    }

    @Test("more than twice the limit without the final dot is an overrun")
    func overrun() {
        var reader = SMTPDataReader(maximumSize: 100)
        var outcome: SMTPDataReader.Outcome?
        var sent = 0
        while outcome == nil, sent < 100_000 {
            outcome = reader.consume(bytes(String(repeating: "o", count: 30) + "\r\n")[...]).outcome
            sent += 32
        }
        #expect(outcome == .overrun)
        #expect(sent > 2 * 100 && sent <= reader.overrunLimit + 32)
    }
}
