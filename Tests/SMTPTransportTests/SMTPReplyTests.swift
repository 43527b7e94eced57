import Testing

@testable import SMTPTransport

@Suite("SMTP replies")
struct SMTPReplyTests {
    @Test("a one-line reply has its code and text")
    func oneLine() throws {
        var parser = SMTPReplyParser()
        let reply = try #require(try parser.feed("250 2.1.0 Sender OK"))
        #expect(reply.code == 250)
        #expect(reply.lines == ["2.1.0 Sender OK"])
        #expect(reply.summary == "250 2.1.0 Sender OK")
        #expect(!parser.isInsideReply)
    }

    @Test("a multi-line reply ends at the line with a space after the code")
    func multiLine() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed("250-smtp.test Hello") == nil)
        #expect(parser.isInsideReply)
        #expect(try parser.feed("250-SIZE 1000") == nil)
        let reply = try #require(try parser.feed("250 HELP"))
        #expect(reply.lines == ["smtp.test Hello", "SIZE 1000", "HELP"])
        #expect(reply.summary == "250 smtp.test Hello / SIZE 1000 / HELP")
        #expect(try parser.feed("221 bye")?.code == 221, "the parser starts afresh after a reply")
    }

    @Test("a bare code without text is a reply")
    func bareCode() throws {
        var parser = SMTPReplyParser()
        let reply = try #require(try parser.feed("354"))
        #expect(reply.code == 354)
        #expect(reply.summary == "354")
    }

    @Test("the reply classes follow the first digit")
    func classes() {
        #expect(SMTPReply(code: 250, lines: []).isPositiveCompletion)
        #expect(SMTPReply(code: 334, lines: []).isPositiveIntermediate)
        #expect(SMTPReply(code: 452, lines: []).isTransientFailure)
        #expect(SMTPReply(code: 550, lines: []).isPermanentFailure)
    }

    @Test(
        "lines that are not reply lines are protocol violations",
        arguments: ["", "25", "abc hello", "2x0 nope", "250_weird", "199 too low", "600 too high", "260 bad second digit", "+OK POP3 server ready", "HTTP/1.1 400 Bad Request"]
    )
    func malformed(line: String) {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPError.self) { try parser.feed(line) }
        do {
            _ = try parser.feed(line)
        } catch {
            #expect(error.code == .protocolViolation)
            #expect(error.isTransient)
        }
    }

    @Test("a multi-line reply whose lines change code is a protocol violation")
    func mixedCodes() throws {
        var parser = SMTPReplyParser()
        _ = try parser.feed("250-first")
        #expect(throws: SMTPError.self) { try parser.feed("251 second") }
    }

    @Test("an endless multi-line reply is cut off")
    func endless() throws {
        var parser = SMTPReplyParser()
        var thrown = false
        for index in 0..<(SMTPReplyParser.maximumLines + 5) {
            do {
                _ = try parser.feed("250-line \(index)")
            } catch {
                thrown = true
                break
            }
        }
        #expect(thrown)
    }

    @Test("the summary hides control characters and cuts very long text")
    func summaryIsSafe() {
        let reply = SMTPReply(code: 550, lines: ["bad\u{1B}[31m text", String(repeating: "x", count: 1000)])
        #expect(!reply.summary.contains("\u{1B}"))
        #expect(reply.summary.count < 420)
    }
}

@Suite("SMTP line framing")
struct SMTPLineFramerTests {
    @Test("lines end with CRLF or a bare LF, and may arrive in pieces")
    func framing() throws {
        var framer = SMTPLineFramer()
        framer.append(Array("220 hel".utf8))
        #expect(try framer.nextLine() == nil)
        #expect(framer.hasBufferedBytes)
        framer.append(Array("lo\r\n250-a\n250 b\r".utf8))
        #expect(try framer.nextLine() == "220 hello")
        #expect(try framer.nextLine() == "250-a")
        #expect(try framer.nextLine() == nil)
        framer.append([UInt8(ascii: "\n")])
        #expect(try framer.nextLine() == "250 b")
        #expect(!framer.hasBufferedBytes)
    }

    @Test("a line longer than the limit is refused, with or without its line ending")
    func tooLong() {
        var unterminated = SMTPLineFramer()
        unterminated.append(Array(repeating: UInt8(ascii: "x"), count: SMTPLineFramer.maximumLineLength + 1))
        #expect(throws: SMTPError.self) { try unterminated.nextLine() }

        var terminated = SMTPLineFramer()
        terminated.append(Array(repeating: UInt8(ascii: "x"), count: SMTPLineFramer.maximumLineLength + 1) + [10])
        #expect(throws: SMTPError.self) { try terminated.nextLine() }
    }
}
