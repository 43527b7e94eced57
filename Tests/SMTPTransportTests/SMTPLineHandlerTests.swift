import NIOCore
import NIOEmbedded
import Testing

@testable import SMTPTransport

/// The channel handler on its own, on an `EmbeddedChannel`: framing, failures and time limits,
/// byte by byte, without a server process.
@Suite("SMTP line handler on an EmbeddedChannel")
struct SMTPLineHandlerTests {
    struct Boom: Error, Equatable {}

    @Test("a line split across reads is handed out once its line ending arrives; a bare LF ends a line too")
    func linesSplitAcrossReads() throws {
        let harness = try LineHandlerHarness()
        let first = harness.nextLine()
        #expect(first.isPending)
        try harness.serverSends("25")
        try harness.serverSends("0 smtp.te")
        try harness.serverSends("st ready\r")
        #expect(first.isPending, "no line until its LF")
        #expect(harness.handler.hasUnreadInput)
        try harness.serverSends("\n")
        #expect(first.value == "250 smtp.test ready")
        #expect(!harness.handler.hasUnreadInput)

        try harness.serverSends("221 bye\n")
        #expect(harness.nextLine().value == "221 bye")
    }

    @Test("several lines in one read are handed out one at a time, in order")
    func severalLinesInOneRead() throws {
        let harness = try LineHandlerHarness()
        try harness.serverSends("250-smtp.test\r\n250-PIPELINING\r\n250 SIZE 1000\r\n")
        #expect(harness.handler.hasUnreadInput)
        #expect(harness.nextLine().value == "250-smtp.test")
        #expect(harness.nextLine().value == "250-PIPELINING")
        #expect(harness.nextLine().value == "250 SIZE 1000")
        #expect(!harness.handler.hasUnreadInput)
        #expect(harness.nextLine().isPending)
    }

    @Test("the lines of a multi-line reply, split anywhere across reads, make one reply")
    func multiLineReply() throws {
        let harness = try LineHandlerHarness()
        let wire = "250-smtp.test greets relay.test\r\n250-PIPELINING\r\n250-SIZE 35882577\r\n250 8BITMIME\r\n"
        var parser = SMTPReplyParser()
        var replies: [SMTPReply] = []
        // One byte a read: the worst a network can do.
        for byte in wire.utf8 {
            try harness.serverSends([byte])
        }
        while harness.handler.hasUnreadInput, let line = harness.nextLine().value {
            if let reply = try parser.feed(line) {
                replies.append(reply)
            }
        }
        #expect(replies == [SMTPReply(code: 250, lines: ["smtp.test greets relay.test", "PIPELINING", "SIZE 35882577", "8BITMIME"])])
    }

    @Test("a line of 4096 octets is taken; a longer one fails the reader and closes the channel", arguments: [false, true])
    func overLongLine(ended: Bool) throws {
        let harness = try LineHandlerHarness()
        try harness.serverSends(String(repeating: "a", count: SMTPLineFramer.maximumLineLength) + "\r\n")
        #expect(harness.nextLine().value?.count == SMTPLineFramer.maximumLineLength)

        let waiting = harness.nextLine()
        // Without a line ending the handler gives up as soon as the limit is passed, without waiting for the rest.
        try harness.serverSends(String(repeating: "b", count: SMTPLineFramer.maximumLineLength + 1) + (ended ? "\r\n" : ""))
        #expect(waiting.smtpError?.code == .protocolViolation)
        #expect(waiting.smtpError?.message == "the SMTP server sent a line longer than 4096 octets; it does not follow RFC 5321")
        #expect(!harness.channel.isActive)
        #expect(harness.nextLine().smtpError?.code == .protocolViolation, "later readers get the same error")
    }

    @Test("the server closing the connection fails the waiting reader")
    func inactiveFailsWaiter() throws {
        let harness = try LineHandlerHarness()
        let waiting = harness.nextLine()
        harness.channel.pipeline.fireChannelInactive()
        #expect(waiting.smtpError == SMTPError(.connectionClosed, "the SMTP server smtp.test:25 closed the connection", isTransient: true))
        #expect(harness.handler.channelFailure as? SMTPError == waiting.smtpError)
        #expect(harness.nextLine().smtpError?.code == .connectionClosed, "and every later reader")
    }

    @Test("lines that arrived before the connection closed are still handed out, then the failure")
    func linesBeforeClose() throws {
        let harness = try LineHandlerHarness()
        try harness.serverSends("250 ok\r\n421 4.3.2 shutting down\r\n")
        harness.channel.pipeline.fireChannelInactive()
        #expect(harness.nextLine().value == "250 ok")
        #expect(harness.nextLine().value == "421 4.3.2 shutting down")
        #expect(harness.nextLine().smtpError?.code == .connectionClosed)
    }

    @Test("closing the channel fails the waiting reader and every later one")
    func closeFailsWaiter() throws {
        let harness = try LineHandlerHarness()
        let waiting = harness.nextLine()
        try harness.channel.close().wait()
        #expect(waiting.smtpError?.code == .connectionClosed)
        #expect(harness.nextLine().smtpError?.code == .connectionClosed)
    }

    @Test("a handler that was never added to a channel refuses readers")
    func notInAChannel() {
        let loop = EmbeddedEventLoop()
        let handler = SMTPLineHandler(eventLoop: loop, server: "smtp.test:25")
        let outcome = Outcome(handler.nextLine(deadline: loop.now + .seconds(1), step: .command))
        #expect(outcome.smtpError == SMTPError(.connectionClosed, "the connection to the SMTP server smtp.test:25 is not open", isTransient: true))
    }

    @Test("an error in the pipeline fails the waiting reader with that error and closes the channel")
    func errorCaught() throws {
        let harness = try LineHandlerHarness()
        let waiting = harness.nextLine()
        harness.channel.pipeline.fireErrorCaught(Boom())
        #expect(waiting.error as? Boom == Boom())
        #expect(!harness.channel.isActive)
        #expect(harness.nextLine().error as? Boom == Boom(), "the first error is kept, not the closing that followed")
    }

    @Test("a reader with no line by its deadline gets a timeout naming the step, and the channel is closed")
    func timeout() throws {
        let harness = try LineHandlerHarness()
        let waiting = harness.nextLine(within: .seconds(5), step: .greeting)
        harness.loop.advanceTime(by: .seconds(4))
        #expect(waiting.isPending)
        harness.loop.advanceTime(by: .seconds(1))
        #expect(waiting.smtpError == SMTPError(
            .timeout, "the SMTP server smtp.test:25 did not answer in time (waiting for the greeting)", isTransient: true
        ))
        #expect(!harness.channel.isActive)
    }

    @Test("a line in time cancels the deadline")
    func lineBeforeDeadline() throws {
        let harness = try LineHandlerHarness()
        let waiting = harness.nextLine(within: .seconds(5))
        try harness.serverSends("220 hello\r\n")
        harness.loop.advanceTime(by: .seconds(10))
        #expect(waiting.value == "220 hello")
        #expect(harness.channel.isActive)
        #expect(harness.handler.channelFailure == nil)
    }

    @Test(
        "bytes after a reply count as unread input: a partial line or whole lines",
        arguments: [("220 Ready\r\nEVIL", true), ("220 Ready\r\n250 evil\r\n", true), ("220 Ready\r\n", false)]
    )
    func unreadInput(wire: String, unread: Bool) throws {
        let harness = try LineHandlerHarness()
        try harness.serverSends(wire)
        #expect(harness.nextLine().value == "220 Ready")
        #expect(harness.handler.hasUnreadInput == unread)
    }
}

/// ``SMTPConnection`` over an `NIOAsyncTestingChannel`: whole replies, failures and the facts it reports.
@Suite("SMTP connection on an NIOAsyncTestingChannel")
struct SMTPConnectionChannelTests {
    @Test("a multi-line reply split across reads is read as one reply")
    func multiLineReply() async throws {
        let (channel, connection) = try await testingConnection()
        async let reply = connection.readReply(timeout: .seconds(30), step: .command)
        try await channel.serverSays("250-smtp.test\r\n250-PIPE")
        try await channel.serverSays("LINING\r\n250 SIZE 1000\r")
        try await channel.serverSays("\n")
        #expect(try await reply == SMTPReply(code: 250, lines: ["smtp.test", "PIPELINING", "SIZE 1000"]))
        try await channel.close()
    }

    @Test("the server closing in the middle of a reply fails the read, transiently")
    func closedMidReply() async throws {
        let (channel, connection) = try await testingConnection()
        try await channel.serverSays("250-smtp.test\r\n")
        async let reply = connection.readReply(timeout: .seconds(30), step: .command)
        try await channel.serverCloses()
        do {
            _ = try await reply
            Issue.record("the read should fail")
        } catch let error as SMTPError {
            #expect(error == SMTPError(.connectionClosed, "the SMTP server smtp.test:25 closed the connection", isTransient: true))
        }
    }

    @Test("a line that is not an SMTP reply fails the read")
    func notAReply() async throws {
        let (channel, connection) = try await testingConnection()
        try await channel.serverSays("HTTP/1.1 400 Bad Request\r\n")
        await #expect(throws: SMTPError.self) {
            _ = try await connection.readReply(timeout: .seconds(30), step: .greeting)
        }
        try await channel.close()
    }

    @Test("an idle connection is not reused once the server has spoken out of turn, or closed")
    func reusable() async throws {
        let (channel, connection) = try await testingConnection()
        #expect(await connection.isReusable())
        try await channel.serverSays("421 4.4.2 idle too long\r\n")
        #expect(await !connection.isReusable())
        try await channel.close()
        #expect(await !connection.isReusable())
    }

    @Test("putting TLS on reports whether bytes after the 220 were still unread", arguments: [("", false), ("EVIL", true), ("250 evil\r\n", true)])
    func startTLSReportsUnreadPlaintext(extra: String, unread: Bool) async throws {
        let (channel, connection) = try await testingConnection()
        let context = try SMTPConfiguration(url: "smtp://smtp.test").makeTLSContext()
        try await channel.serverSays("220 2.0.0 Ready to start TLS\r\n" + extra)
        #expect(try await connection.readReply(timeout: .seconds(30), step: .command).code == 220)
        #expect(try await connection.startTLS(context: context) == unread)
        // The TLS layer is on: what the client writes now is a TLS handshake record, not text.
        let hello = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        #expect(hello.readableBytesView.first == 0x16)
        try await channel.close()
    }
}
