import MailKit
import Testing

@Suite("Received email header section")
struct ReceivedHeaderTests {
    static let message = """
        Return-Path: <ann@example.com>
        Delivered-To: relay@example.org
        Delivered-To: <sms-15551234567@example.org>
        From: Ann <ann@example.com>
        To: relay@example.org
        Subject: a subject
          folded twice
        \tand with a tab
        Message-ID: <abc.123@example.com>
        In-Reply-To: <smsrelay.flowroute.1@example.org>
        References: <first@example.org>
         <second@example.org> <third@example.org>
        X-Empty:
        Content-Type: text/plain; charset=utf-8

        Hello
        Subject: not a header
        """

    @Test("CRLF and bare LF line endings read the same", arguments: ["\r\n", "\n"])
    func lineEndings(_ lineEnding: String) throws {
        let email = try ReceivedMessage.parse(Self.message, lineEnding: lineEnding)
        #expect(email.headers.map(\.name) == [
            "Return-Path", "Delivered-To", "Delivered-To", "From", "To", "Subject", "Message-ID", "In-Reply-To",
            "References", "X-Empty", "Content-Type",
        ])
        #expect(email.headers[5].value == "a subject  folded twice\tand with a tab")
        #expect(email.subject == "a subject  folded twice and with a tab")
        #expect(email.messageID == "abc.123@example.com")
        #expect(email.inReplyTo == ["smsrelay.flowroute.1@example.org"])
        #expect(email.references == ["first@example.org", "second@example.org", "third@example.org"])
        #expect(email.deliveredTo == ["relay@example.org", "sms-15551234567@example.org"])
        #expect(email.header("x-empty") == "")
        #expect(email.header("MESSAGE-id") == "<abc.123@example.com>")
        #expect(email.headers(named: "delivered-to") == ["relay@example.org", "<sms-15551234567@example.org>"])
        #expect(email.header("Cc") == nil)
        #expect(email.bodyText == "Hello\nSubject: not a header")
    }

    @Test("lines that are not fields are skipped with their continuations; a space before the colon is tolerated")
    func junkLines() throws {
        let email = try ReceivedMessage.parse(
            """
            From ann@example.com Mon Nov 23 09:14:00 2026
            From: ann@example.com
            this line has no colon
             and a continuation
            Bad Name: with a space
            Subject : spaced
            : no name
            \u{1}Control: x

            body
            """,
            lineEnding: "\n"
        )
        #expect(email.headers == [ReceivedHeader(name: "From", value: "ann@example.com"), ReceivedHeader(name: "Subject", value: "spaced")])
        #expect(email.bodyText == "body")
    }

    @Test("8-bit header bytes are UTF-8 when they can be, else Latin-1")
    func eightBitHeaders() throws {
        var bytes = Array("Subject: Grüße 😀\r\nFrom: Zoë Ünal <zoe@example.com>\r\nX-Latin: caf".utf8)
        bytes += [0xE9, 0x20, 0x93, 0x6F, 0x6B, 0x94]
        bytes += Array("\r\n\r\nbody".utf8)
        let email = try ReceivedEmail(parsing: bytes)
        #expect(email.subject == "Grüße 😀")
        #expect(email.from == [Mailbox(displayName: "Zoë Ünal", address: "zoe@example.com")])
        #expect(email.header("X-Latin") == "café “ok”")
    }

    @Test("addresses: comments, groups, quoted names; unreadable ones are left out")
    func addresses() throws {
        let email = try ReceivedMessage.parse(
            """
            From: ann@example.com (Ann Smith)
            To: Friends: bob@example.com, "Smith, Carol" <carol@example.com>;, undisclosed-recipients:;
            Cc: nothing here
            Subject: x

            """
        )
        #expect(email.from == [Mailbox(displayName: "Ann Smith", address: "ann@example.com")])
        #expect(email.to == [Mailbox(address: "bob@example.com"), Mailbox(displayName: "Smith, Carol", address: "carol@example.com")])
        let noFrom = try ReceivedMessage.parse("From: not an address\nSubject: x\n\n")
        #expect(noFrom.from.isEmpty)
        #expect(noFrom.to.isEmpty)
    }

    @Test("message ids without angle brackets are read as words")
    func bareMessageIDs() throws {
        let email = try ReceivedMessage.parse("Message-ID: abc@example.com\nReferences: a@x b@y,c@z\nIn-Reply-To: <  spaced@x  > (comment)\n\n")
        #expect(email.messageID == "abc@example.com")
        #expect(email.references == ["a@x", "b@y", "c@z"])
        #expect(email.inReplyTo == ["spaced@x"])
    }

    @Test("a header section without a body is an email with an empty body")
    func noBody() throws {
        let email = try ReceivedMessage.parse("From: ann@example.com\nSubject: only headers")
        #expect(email.subject == "only headers")
        #expect(email.root.body.isEmpty)
        #expect(email.bodyText == "")
    }

    static let notEmails: [Escaped] = [
        "",
        "\r\n",
        "\r\n\r\nFrom: ann@example.com\r\n\r\nbody",
        "just some text\nwith no header fields\n\nat all",
        "%PDF-1.7\n%âãÏÓ\n",
        " leading continuation\n\nbody",
    ]

    @Test("input with no header section is not an email", arguments: notEmails)
    func notAnEmail(_ input: Escaped) throws {
        let error = try #require(throws: MailKitError.self) { try ReceivedEmail(parsing: Array(input.value.utf8)) }
        #expect(error.code == .notAnEmail)
        #expect(error.message.contains("not an email"))
    }
}
