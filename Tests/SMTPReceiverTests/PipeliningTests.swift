import Testing

@testable import SMTPReceiver

/// RFC 2920: commands that arrive together are answered in order, in as few writes as the
/// conversation allows.
@Suite("SMTP server pipelining")
struct PipeliningTests {
    @Test("a whole pipelined transaction in one read is answered in order")
    func wholeBatch() {
        var conversation = Conversation()
        let replies = conversation.say(
            "EHLO client.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<one@mx.test>\r\nRCPT TO:<two@mx.test>\r\nDATA\r\nHi\r\n.\r\nQUIT\r\n"
        )
        #expect(replies.map(\.code) == [250, 250, 250, 250, 354, 250, 221])
        #expect(conversation.delivered.first?.envelope.recipients == ["one@mx.test", "two@mx.test"])
        #expect(conversation.delivered.first?.bytes == Array("Hi\r\n".utf8))
        #expect(conversation.closed)
    }

    @Test("replies that need no answer from the delegate come in one send")
    func batchedWrite() {
        var machine = SMTPServerStateMachine(settings: .test(), clientAddress: "192.0.2.9")
        _ = machine.start(.accepted)
        let actions = machine.receive(Array("EHLO c.test\r\nNOOP\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<x@mx.test>\r\nNOOP\r\n".utf8))
        guard actions.count == 2, case .send(let replies) = actions[0], case .checkRecipient("x@mx.test", _) = actions[1] else {
            Issue.record("expected one send and a question, got \(actions)")
            return
        }
        #expect(replies.map(\.code) == [250, 250, 250])
        #expect(machine.idleTimeout == nil, "no client time limit while the delegate thinks")
        // The NOOP after the RCPT waits for the delegate's answer, and is answered after it.
        #expect(machine.recipientChecked(.accept) == [.send([.recipientOK, .ok])])
        #expect(machine.idleTimeout == .command)
    }

    @Test("a command split across reads, even byte by byte, is taken once its line ends; a bare LF ends it too")
    func splitCommands() {
        var conversation = Conversation()
        var replies: [SMTPServerReply] = []
        for byte in "EHLO client.test\r\nNOOP\n".utf8 {
            replies += conversation.say(bytes: [byte])
        }
        #expect(replies.map(\.code) == [250, 250])
    }

    @Test("a verdict that comes when none was asked for changes nothing")
    func unexpectedVerdicts() {
        var conversation = Conversation()
        conversation.hello()
        #expect(conversation.machine.recipientChecked(.accept) == [])
        #expect(conversation.machine.messageHandled(.accept) == [])
        #expect(conversation.machine.delayElapsed() == [])
        #expect(conversation.machine.tlsEstablished() == [])
        #expect(conversation.codes("NOOP\r\n") == [250])
    }

    @Test("while the delegate thinks, more than 64 KiB of pipelined input closes the connection with 421")
    func pendingInputBound() {
        var conversation = Conversation()
        conversation.autoAnswer = false
        conversation.hello()
        #expect(conversation.codes("MAIL FROM:<a@b.test>\r\nRCPT TO:<x@mx.test>\r\n") == [250])
        var replies: [SMTPServerReply] = []
        for _ in 0..<200 where !conversation.closed {
            replies += conversation.say(String(repeating: "NOOP\r\n", count: 100))
        }
        #expect(replies == [.closing("mx.test", .tooMuchPipelinedInput)])
        #expect(conversation.closed)
    }
}
