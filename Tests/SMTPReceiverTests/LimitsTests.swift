import Testing

@testable import SMTPReceiver

/// The limits the machine keeps: recipients, message size, line lengths, bad commands, time
/// limits, admission and shutdown.
@Suite("SMTP server limits")
struct LimitsTests {
    @Test("at most the configured number of recipients: the next is 452 4.5.3, without asking the delegate")
    func recipientLimit() {
        var conversation = Conversation(.test(maximumRecipients: 10))
        conversation.hello()
        _ = conversation.say("MAIL FROM:<a@b.test>\r\n")
        let batch = (1...11).map { "RCPT TO:<user\($0)@mx.test>\r\n" }.joined()
        let replies = conversation.say(batch)
        #expect(replies.map(\.code) == Array(repeating: 250, count: 10) + [452])
        #expect(replies.last == SMTPServerReply(452, "4.5.3", "Too many recipients"))
        #expect(conversation.asked.count == 10)
    }

    @Test("the same recipient twice is one recipient of the envelope")
    func duplicateRecipient() {
        var conversation = Conversation()
        conversation.hello()
        _ = conversation.say("MAIL FROM:<a@b.test>\r\nRCPT TO:<x@mx.test>\r\nRCPT TO:<x@mx.test>\r\nDATA\r\n.\r\n")
        #expect(conversation.delivered.first?.envelope.recipients == ["x@mx.test"])
    }

    @Test("a declared SIZE over the limit is refused at MAIL with 552 5.3.4; at the limit it is taken")
    func declaredSize() {
        var conversation = Conversation(.test(maximumMessageSize: 1000))
        conversation.hello()
        #expect(conversation.say("MAIL FROM:<a@b.test> SIZE=1001\r\n") == [SMTPServerReply(552, "5.3.4", "Message size exceeds fixed maximum message size")])
        #expect(conversation.codes("MAIL FROM:<a@b.test> SIZE=1000\r\n") == [250])
    }

    @Test("a message over the size limit is read to its final dot without being kept, then refused with 552 5.3.4")
    func oversizeData() {
        var conversation = Conversation(.test(maximumMessageSize: 1000))
        conversation.hello()
        _ = conversation.say("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@mx.test>\r\nDATA\r\n")
        let line = String(repeating: "x", count: 98) + "\r\n"
        var replies: [SMTPServerReply] = []
        for _ in 0..<15 {
            replies += conversation.say(line)
        }
        #expect(replies.isEmpty, "nothing is said before the final dot")
        if case .data(_, let reader) = conversation.machine.phase {
            #expect(reader.keptBytes == 0, "the message was dropped once over the limit")
        } else {
            Issue.record("still in DATA")
        }
        #expect(conversation.say(".\r\nNOOP\r\n") == [.messageTooLarge, .ok])
        #expect(conversation.delivered.isEmpty)
        #expect(!conversation.closed)
    }

    @Test("a message of exactly the limit is taken")
    func messageAtLimit() {
        var conversation = Conversation(.test(maximumMessageSize: 1000))
        conversation.hello()
        _ = conversation.say("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@mx.test>\r\nDATA\r\n")
        let body = String(repeating: String(repeating: "y", count: 98) + "\r\n", count: 10)
        #expect(conversation.say(body + ".\r\n") == [.messageAccepted])
        #expect(conversation.delivered.first?.bytes.count == 1000)
    }

    @Test("a client that goes on past twice the limit without the final dot is cut off")
    func overrun() {
        var conversation = Conversation(.test(maximumMessageSize: 1000))
        conversation.hello()
        _ = conversation.say("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@mx.test>\r\nDATA\r\n")
        var replies: [SMTPServerReply] = []
        for _ in 0..<100 where !conversation.closed {
            replies += conversation.say(String(repeating: "z", count: 50) + "\r\n")
        }
        #expect(replies == [.messageTooLarge])
        #expect(conversation.closed)
    }

    @Test("a command line over 512 octets is a 500 5.5.2 line too long, and what follows it is taken")
    func longCommandLine() {
        var conversation = Conversation()
        conversation.hello()
        let longest = "NOOP " + String(repeating: "a", count: 505) + "\r\n"
        #expect(longest.utf8.count == 512)
        #expect(conversation.codes(longest) == [250])
        // Reported as soon as the limit is passed, before the line ends.
        #expect(conversation.say("NOOP " + String(repeating: "b", count: 600)) == [.commandLineTooLong])
        #expect(conversation.say(String(repeating: "b", count: 600) + "\r\nNOOP\r\n") == [.ok])
        #expect(conversation.codes("NOOP " + String(repeating: "c", count: 506) + "\r\n") == [500], "513 octets in one read")
    }

    @Test("a message line over 1000 octets spoils the message: 500 5.5.2 at the final dot")
    func longDataLine() {
        var conversation = Conversation(.test(maximumMessageSize: 100_000))
        conversation.hello()
        _ = conversation.say("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@mx.test>\r\nDATA\r\n")
        #expect(conversation.say("ok\r\n" + String(repeating: "w", count: 999) + "\r\nmore\r\n.\r\n") == [.messageLineTooLong])
        #expect(conversation.delivered.isEmpty)
        _ = conversation.say("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@mx.test>\r\nDATA\r\n")
        #expect(conversation.say(String(repeating: "w", count: 998) + "\r\n.\r\n") == [.messageAccepted], "998 octets and CRLF is the most")
    }

    @Test("each bad command waits longer before its reply: the delay grows with the count, up to its cap")
    func badCommandDelays() {
        var conversation = Conversation(.test(badCommandDelay: .milliseconds(500)))
        conversation.hello()
        for _ in 0..<6 {
            #expect(conversation.codes("BOGUS\r\n") == [500])
        }
        #expect(conversation.codes("NOOP\r\nAUTH LOGIN\r\n") == [250, 502], "only 500, 501 and 503 count")
        #expect(conversation.delays == [.milliseconds(500), .seconds(1), .milliseconds(1500), .seconds(2), .seconds(2), .seconds(2)])
    }

    @Test("the reply to a bad command waits for the delay, and so do the commands pipelined after it")
    func delayHoldsPipeline() {
        var machine = SMTPServerStateMachine(settings: .test(badCommandDelay: .milliseconds(10)), clientAddress: "192.0.2.9")
        _ = machine.start(.accepted)
        #expect(machine.receive(Array("EHLO c.test\r\nBOGUS\r\nNOOP\r\n".utf8)).dropFirst() == [.delay(.milliseconds(10))])
        #expect(machine.idleTimeout == nil)
        #expect(machine.delayElapsed() == [.send([.unrecognised, .ok])])
    }

    @Test("the 20th bad command closes the connection with 421 4.7.0")
    func tooManyErrors() {
        var conversation = Conversation()
        conversation.hello()
        let replies = conversation.say(String(repeating: "MAIL\r\n", count: 19) + "RCPT\r\nNOOP\r\n")
        #expect(replies.map(\.code) == Array(repeating: 501, count: 19) + [421])
        #expect(replies.last == SMTPServerReply(421, "4.7.0", "mx.test too many errors, closing connection"))
        #expect(conversation.closed)
    }

    @Test("a silent client gets 421 4.4.2 and is closed, waiting for a command or in DATA")
    func timeouts() {
        var idle = Conversation()
        #expect(idle.settle(idle.machine.timedOut()) == [.closing("mx.test", .timedOut)])
        #expect(idle.closed)
        #expect(idle.machine.idleTimeout == nil)

        var inData = Conversation()
        inData.hello()
        _ = inData.say("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@mx.test>\r\nDATA\r\npart of it\r\n")
        #expect(inData.machine.idleTimeout == .data)
        #expect(inData.settle(inData.machine.timedOut()).map(\.code) == [421])
        #expect(inData.delivered.isEmpty)
    }

    @Test("connections over the limits are greeted with 421 and closed", arguments: [
        (SMTPServerStateMachine.Admission.tooManyConnections, SMTPServerReply(421, "4.3.2", "mx.test too many connections, try again later")),
        (.tooManyFromAddress, SMTPServerReply(421, "4.7.0", "mx.test too many connections from your address, try again later")),
        (.shuttingDown, SMTPServerReply(421, "4.3.2", "mx.test shutting down, try again later")),
    ])
    func admission(admission: SMTPServerStateMachine.Admission, reply: SMTPServerReply) {
        var machine = SMTPServerStateMachine(settings: .test(), clientAddress: "192.0.2.9")
        #expect(machine.start(admission) == [.send([reply]), .close])
        #expect(machine.receive(Array("EHLO c.test\r\n".utf8)) == [])
    }

    @Test("shutdown closes an idle session with 421 4.3.2 at once")
    func shutdownIdle() {
        var conversation = Conversation()
        conversation.hello()
        #expect(conversation.settle(conversation.machine.shutdown()) == [.closing("mx.test", .shuttingDown)])
        #expect(conversation.closed)
    }

    @Test("shutdown lets a session in DATA finish its message, then closes it with 421")
    func shutdownInData() {
        var conversation = Conversation()
        conversation.hello()
        _ = conversation.say("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@mx.test>\r\nDATA\r\nfirst\r\n")
        #expect(conversation.machine.shutdown() == [])
        #expect(conversation.say("second\r\n.\r\nMAIL FROM:<a@b.test>\r\n") == [.messageAccepted, .closing("mx.test", .shuttingDown)])
        #expect(conversation.delivered.first?.bytes == Array("first\r\nsecond\r\n".utf8))
        #expect(conversation.closed)
    }

    @Test("shutdown while the delegate takes the message waits for its verdict")
    func shutdownInDelivery() {
        var conversation = Conversation()
        conversation.autoAnswer = false
        conversation.hello()
        _ = conversation.say("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@mx.test>\r\n")
        _ = conversation.settle(conversation.machine.recipientChecked(.accept))
        _ = conversation.say("DATA\r\nbody\r\n.\r\n")
        #expect(conversation.delivered.count == 1)
        #expect(conversation.machine.shutdown() == [])
        #expect(conversation.machine.messageHandled(.accept) == [.send([.messageAccepted, .closing("mx.test", .shuttingDown)]), .close])
    }
}
