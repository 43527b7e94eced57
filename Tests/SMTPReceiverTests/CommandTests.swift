import Testing

@testable import SMTPReceiver

/// Each command alone through the state machine: its reply, code and enhanced code, and where
/// in the conversation it is allowed.
@Suite("SMTP server commands")
struct CommandTests {
    @Test("the greeting is a 220 with the host name and no enhanced code")
    func greeting() {
        var machine = SMTPServerStateMachine(settings: .test(), clientAddress: "192.0.2.9")
        #expect(machine.start(.accepted) == [.send([SMTPServerReply(220, nil, "mx.test ESMTP ready")])])
        #expect(machine.idleTimeout == .command)
    }

    @Test("EHLO lists SIZE, 8BITMIME, PIPELINING, ENHANCEDSTATUSCODES, SMTPUTF8 and STARTTLS")
    func ehlo() {
        var conversation = Conversation()
        #expect(conversation.say("EHLO client.test\r\n").text == """
            250-mx.test greets client.test\r
            250-SIZE 1000\r
            250-8BITMIME\r
            250-PIPELINING\r
            250-ENHANCEDSTATUSCODES\r
            250-SMTPUTF8\r
            250 STARTTLS\r

            """)
        #expect(conversation.machine.session.heloName == "client.test")
    }

    @Test("EHLO leaves STARTTLS out when no certificate is configured")
    func ehloWithoutTLS() {
        var conversation = Conversation(.test(offersTLS: false))
        let lines = conversation.say("ehlo client.test\r\n").first?.lines ?? []
        #expect(lines.last == "SMTPUTF8")
        #expect(!lines.contains("STARTTLS"))
    }

    @Test("HELO answers one line; EHLO or HELO without a name is a 501 5.5.4")
    func helo() {
        var conversation = Conversation()
        #expect(conversation.say("HELO client.test\r\n") == [SMTPServerReply(250, nil, "mx.test greets client.test")])
        #expect(conversation.say("EHLO\r\n") == [SMTPServerReply(501, "5.5.4", "EHLO needs one argument: your host name or address literal")])
        #expect(conversation.codes("HELO two words\r\n") == [501])
    }

    @Test("a whole transaction: MAIL 250 2.1.0, RCPT 250 2.1.5, DATA 354, the message 250 2.0.0")
    func transaction() {
        var conversation = Conversation()
        conversation.hello()
        #expect(conversation.say("MAIL FROM:<alice@example.org>\r\n") == [.senderOK])
        #expect(conversation.say("RCPT TO:<reply@mx.test>\r\n") == [.recipientOK])
        #expect(conversation.say("DATA\r\n") == [SMTPServerReply(354, nil, "End data with <CR><LF>.<CR><LF>")])
        #expect(conversation.machine.idleTimeout == .data)
        #expect(conversation.say("Subject: hi\r\n\r\nHello\r\n.\r\n") == [SMTPServerReply(250, "2.0.0", "OK: message accepted")])
        #expect(conversation.delivered.count == 1)
        #expect(conversation.delivered.first?.bytes == Array("Subject: hi\r\n\r\nHello\r\n".utf8))
        #expect(conversation.delivered.first?.envelope == SMTPEnvelopeInfo(sender: "alice@example.org", recipients: ["reply@mx.test"]))
        #expect(conversation.delivered.first?.session == SMTPSessionInfo(clientAddress: "192.0.2.9", heloName: "client.test", isTLS: false))
        #expect(conversation.machine.phase == .ready, "the transaction is over: MAIL may come again")
        #expect(conversation.codes("MAIL FROM:<>\r\n") == [250])
    }

    @Test("the delegate is asked about each recipient with the session, and its refusal is the reply")
    func refusedRecipient() {
        var conversation = Conversation()
        conversation.recipientVerdict = { $0 == "nobody@mx.test" ? .noSuchUser("No such mailbox") : .accept }
        conversation.hello()
        _ = conversation.say("MAIL FROM:<>\r\n")
        #expect(conversation.say("RCPT TO:<nobody@mx.test>\r\n") == [SMTPServerReply(550, "5.1.1", "No such mailbox")])
        #expect(conversation.say("DATA\r\n") == [SMTPServerReply(554, "5.5.1", "No valid recipients")])
        #expect(conversation.codes("RCPT TO:<someone@mx.test>\r\n") == [250])
        #expect(conversation.asked.map(\.address) == ["nobody@mx.test", "someone@mx.test"])
        #expect(conversation.asked.first?.session.heloName == "client.test")
        #expect(conversation.codes("DATA\r\n") == [354])
        _ = conversation.say(".\r\n")
        #expect(conversation.delivered.first?.envelope == SMTPEnvelopeInfo(sender: "", recipients: ["someone@mx.test"]))
    }

    @Test("the delegate's refusal of a message is the reply to the final dot", arguments: [
        (SMTPVerdict.temporaryFailure("Outbox unavailable"), SMTPServerReply(451, "4.3.0", "Outbox unavailable")),
        (.permanentFailure("Not a reply"), SMTPServerReply(554, "5.6.0", "Not a reply")),
        (.refuse(code: 250, enhanced: "2.0.0", text: "oops"), SMTPServerReply(451, "4.3.0", "Temporary local problem, try again later")),
        (.refuse(code: 550, enhanced: "4.1.1", text: "bad\r\n250 injected"), SMTPServerReply(550, "5.0.0", "bad  250 injected")),
    ])
    func refusedMessage(verdict: SMTPVerdict, reply: SMTPServerReply) {
        var conversation = Conversation()
        conversation.messageVerdict = { _ in verdict }
        conversation.hello()
        _ = conversation.say("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@mx.test>\r\nDATA\r\n")
        #expect(conversation.say("x\r\n.\r\n") == [reply])
    }

    @Test("RSET, NOOP, VRFY, HELP and QUIT", arguments: [
        ("RSET\r\n", SMTPServerReply(250, "2.0.0", "OK")),
        ("NOOP\r\n", SMTPServerReply(250, "2.0.0", "OK")),
        ("noop anything\r\n", SMTPServerReply(250, "2.0.0", "OK")),
        ("VRFY alice\r\n", SMTPServerReply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery")),
        ("VRFY\r\n", SMTPServerReply(501, "5.5.4", "VRFY needs an argument")),
        ("HELP\r\n", .help),
        ("QUIT\r\n", SMTPServerReply(221, "2.0.0", "mx.test closing connection")),
        ("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n", SMTPServerReply(502, "5.5.1", "AUTH not available: this server takes mail for its own addresses only")),
        ("EXPN list\r\n", SMTPServerReply(502, "5.5.1", "Command not implemented")),
        ("XYZZY\r\n", SMTPServerReply(500, "5.5.2", "Command not recognised")),
        ("\r\n", SMTPServerReply(500, "5.5.2", "Command not recognised")),
    ])
    func simpleCommands(line: String, reply: SMTPServerReply) {
        var conversation = Conversation()
        conversation.hello()
        #expect(conversation.say(line) == [reply])
        #expect(conversation.closed == (reply.code == 221))
    }

    @Test("RSET ends the transaction: RCPT then needs a new MAIL")
    func resetEndsTransaction() {
        var conversation = Conversation()
        conversation.hello()
        #expect(conversation.codes("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@mx.test>\r\nRSET\r\nRCPT TO:<c@mx.test>\r\n") == [250, 250, 250, 503])
        #expect(conversation.codes("MAIL FROM:<a@b.test>\r\n") == [250])
    }

    @Test("commands out of order are 503 5.5.1", arguments: [
        ("MAIL FROM:<a@b.test>\r\n", "Send EHLO or HELO first", false),
        ("RCPT TO:<a@b.test>\r\n", "Send EHLO or HELO first", false),
        ("DATA\r\n", "Send EHLO or HELO first", false),
        ("RCPT TO:<a@b.test>\r\n", "Need MAIL before RCPT", true),
        ("DATA\r\n", "Need MAIL before DATA", true),
    ])
    func badSequence(line: String, text: String, greeted: Bool) {
        var conversation = Conversation()
        if greeted { conversation.hello() }
        #expect(conversation.say(line) == [SMTPServerReply(503, "5.5.1", text)])
    }

    @Test("a second MAIL in a transaction is a 503")
    func nestedMail() {
        var conversation = Conversation()
        conversation.hello()
        #expect(conversation.codes("MAIL FROM:<a@b.test>\r\nMAIL FROM:<a@b.test>\r\n") == [250, 503])
    }

    @Test("EHLO in a transaction ends it")
    func helloResets() {
        var conversation = Conversation()
        conversation.hello()
        #expect(conversation.codes("MAIL FROM:<a@b.test>\r\nEHLO again.test\r\nRCPT TO:<c@mx.test>\r\n") == [250, 250, 503])
    }

    @Test("bad MAIL and RCPT syntax is a 501 5.5.4", arguments: [
        "MAIL alice@example.org", "MAIL FROM:alice@example.org", "MAIL FROM:<alice@example.org",
        "MAIL FROM:<alice>", "MAIL FROM:<@relay.test:alice@example.org>", "MAIL FROM:<a@b.test> SIZE=big",
        "MAIL FROM:<a@b.test> BODY=BINARYMIME", "MAIL FROM:<a@b.test> =x", "MAIL FROM:<a@b.test> SIZE=1 SIZE=2",
        "MAIL FROM:<a b@c.test>", "MAIL FROM:<a@b..test>", "MAIL FROM:<a@b.test>junk", "MAIL FROM:<a@b.test> SMTPUTF8=yes",
    ])
    func badMailSyntax(line: String) {
        var conversation = Conversation()
        conversation.hello()
        let replies = conversation.say(line + "\r\n")
        #expect(replies.map(\.code) == [501], "\(line)")
        #expect(replies.first?.enhanced == "5.5.4")
    }

    @Test("source routes in RCPT are refused, a bare postmaster is taken")
    func recipientPaths() {
        var conversation = Conversation()
        conversation.hello()
        _ = conversation.say("MAIL FROM:<a@b.test>\r\n")
        #expect(conversation.say("RCPT TO:<@relay.test,@other.test:c@mx.test>\r\n") == [SMTPServerReply(501, "5.5.4", "Source routes are not accepted")])
        #expect(conversation.codes("RCPT TO:<>\r\n") == [501])
        #expect(conversation.codes("RCPT TO:<Postmaster>\r\n") == [250])
        #expect(conversation.codes("rcpt to: <\"quoted > name\"@mx.test>\r\n") == [250])
        #expect(conversation.asked.map(\.address) == ["Postmaster", "\"quoted > name\"@mx.test"])
    }

    @Test("unknown MAIL and RCPT parameters are 555 5.5.4; BODY=8BITMIME and SMTPUTF8 are taken")
    func parameters() {
        var conversation = Conversation()
        conversation.hello()
        #expect(conversation.say("MAIL FROM:<a@b.test> RET=HDRS\r\n") == [.unknownParameter])
        #expect(conversation.codes("MAIL FROM:<a@b.test> BODY=8BITMIME SMTPUTF8 SIZE=100\r\n") == [250])
        #expect(conversation.say("RCPT TO:<c@mx.test> NOTIFY=NEVER\r\n") == [.unknownParameter])
    }

    @Test("non-ASCII addresses need SMTPUTF8: 553 5.6.7 without it")
    func internationalAddresses() {
        var conversation = Conversation()
        conversation.hello()
        #expect(conversation.say("MAIL FROM:<jörg@example.de>\r\n") == [.needsSMTPUTF8])
        #expect(conversation.codes("MAIL FROM:<a@b.test>\r\nRCPT TO:<jörg@mx.test>\r\nRSET\r\n") == [250, 553, 250])
        #expect(conversation.codes("MAIL FROM:<jörg@example.de> SMTPUTF8\r\nRCPT TO:<ünïcode@mx.test>\r\n") == [250, 250])
    }
}
