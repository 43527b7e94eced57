import Testing

@testable import SMTPReceiver

/// RFC 3207 as the server keeps it: STARTTLS after EHLO, outside a transaction, once; the session
/// starts over on TLS; plain text sent along with the command is dropped.
@Suite("SMTP server STARTTLS")
struct StartTLSTests {
    @Test("STARTTLS is answered 220 2.0.0, TLS goes on, and the client must say EHLO again")
    func startTLS() {
        var conversation = Conversation()
        conversation.hello()
        #expect(conversation.say("STARTTLS\r\n") == [SMTPServerReply(220, "2.0.0", "Ready to start TLS")])
        #expect(conversation.tlsStarts == 1)
        #expect(conversation.machine.session.isTLS)
        #expect(conversation.machine.session.heloName == "")
        #expect(conversation.say("MAIL FROM:<a@b.test>\r\n") == [.badSequence("Send EHLO or HELO first")])
        let ehlo = conversation.say("EHLO client.test\r\n")
        #expect(ehlo.map(\.code) == [250])
        #expect(!(ehlo.first?.lines.contains("STARTTLS") ?? true), "STARTTLS is not offered again")
        #expect(conversation.say("STARTTLS\r\n") == [.badSequence("TLS already active")])
        _ = conversation.say("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@mx.test>\r\nDATA\r\nx\r\n.\r\n")
        #expect(conversation.delivered.first?.session.isTLS == true)
    }

    @Test("commands sent in plain text along with STARTTLS are dropped, not taken as sent over TLS")
    func plaintextInjection() {
        var conversation = Conversation()
        conversation.hello()
        #expect(conversation.codes("STARTTLS\r\nMAIL FROM:<evil@attacker.test>\r\nRCPT TO:<c@mx.test>\r\n") == [220])
        #expect(conversation.asked.isEmpty)
        #expect(conversation.codes("EHLO client.test\r\nRCPT TO:<c@mx.test>\r\n") == [250, 503])
    }

    @Test("STARTTLS is refused before EHLO, in a transaction, with an argument, and without a certificate")
    func refusals() {
        var conversation = Conversation()
        #expect(conversation.say("STARTTLS\r\n") == [.badSequence("Send EHLO first")])
        conversation.hello()
        #expect(conversation.say("STARTTLS now\r\n") == [.syntax("STARTTLS takes no argument")])
        _ = conversation.say("MAIL FROM:<a@b.test>\r\n")
        #expect(conversation.say("STARTTLS\r\n") == [.badSequence("STARTTLS is not allowed during a mail transaction")])
        #expect(conversation.tlsStarts == 0)

        var plain = Conversation(.test(offersTLS: false))
        plain.hello()
        #expect(plain.say("STARTTLS\r\n") == [SMTPServerReply(502, "5.5.1", "STARTTLS not available")])
        #expect(plain.tlsStarts == 0)
    }
}
