import TestSupport
import NIOCore
import NIOEmbedded
import NIOSSL
import Testing

@testable import SMTPReceiver

/// The channel handler on an `EmbeddedChannel`: writes, the delegate's answers coming back on the
/// loop, delays and time limits on the loop's fake clock, TLS and closing.
@Suite("SMTP server handler on an EmbeddedChannel")
struct HandlerTests {
    @Test("the greeting goes out on connect; a pipelined batch is answered in one write")
    func greetingAndBatch() throws {
        let harness = try HandlerHarness()
        #expect(try harness.serverWrote() == "220 mx.test ESMTP ready\r\n")
        try harness.clientSends("HELO client.test\r\nNOOP\r\nMAIL FROM:<a@b.test>\r\n")
        #expect(try harness.serverWrites() == ["250 mx.test greets client.test\r\n250 2.0.0 OK\r\n250 2.1.0 Sender OK\r\n"])
    }

    @Test("a recipient and a message go to the delegate, and its answers come back as replies")
    func delegateRoundTrip() throws {
        let harness = try HandlerHarness()
        _ = try harness.serverWrote()
        try harness.clientSends("EHLO client.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<nobody@mx.test>\r\n")
        _ = try harness.serverWrote()
        #expect(harness.questions.all.first?.kind == .recipient("nobody@mx.test", SMTPSessionInfo(clientAddress: "192.0.2.9", heloName: "client.test", isTLS: false)))
        harness.answer(.noSuchUser())
        #expect(try harness.serverWrote() == "550 5.1.1 No such user here\r\n")

        try harness.clientSends("RCPT TO:<reply@mx.test>\r\n")
        harness.answer(.accept)
        try harness.clientSends("DATA\r\n")
        try harness.clientSends("Subject: x\r\n\r\n..hi\r\n.\r\n")
        #expect(try harness.serverWrote() == "250 2.1.5 Recipient OK\r\n354 End data with <CR><LF>.<CR><LF>\r\n")
        guard case .message(let bytes, let envelope, _) = harness.questions.all.first?.kind else {
            Issue.record("no message question: \(harness.questions.all.map(\.kind))")
            return
        }
        #expect(bytes == Array("Subject: x\r\n\r\n.hi\r\n".utf8))
        #expect(envelope == SMTPEnvelopeInfo(sender: "a@b.test", recipients: ["reply@mx.test"]))
        harness.answer(.accept)
        #expect(try harness.serverWrote() == "250 2.0.0 OK: message accepted\r\n")
    }

    @Test("the reply to a bad command waits for its delay on the loop's clock")
    func badCommandDelay() throws {
        let harness = try HandlerHarness(settings: .test(offersTLS: false, badCommandDelay: .milliseconds(100)))
        _ = try harness.serverWrote()
        try harness.clientSends("BOGUS\r\nNOOP\r\n")
        #expect(try harness.serverWrote() == "")
        harness.loop.advanceTime(by: .milliseconds(99))
        #expect(try harness.serverWrote() == "")
        harness.loop.advanceTime(by: .milliseconds(1))
        #expect(try harness.serverWrote() == "500 5.5.2 Command not recognised\r\n250 2.0.0 OK\r\n")
    }

    @Test("a silent client is closed with 421 4.4.2 after the command time limit; any byte starts the limit again")
    func commandTimeout() throws {
        let harness = try HandlerHarness(timeouts: .init(command: .seconds(10), data: .seconds(20)))
        _ = try harness.serverWrote()
        harness.loop.advanceTime(by: .seconds(9))
        try harness.clientSends("NO")
        harness.loop.advanceTime(by: .seconds(9))
        #expect(try harness.serverWrote() == "")
        #expect(harness.channel.isActive)
        harness.loop.advanceTime(by: .seconds(1))
        #expect(try harness.serverWrote() == "421 4.4.2 mx.test timeout exceeded, closing connection\r\n")
        #expect(!harness.channel.isActive)
    }

    @Test("in DATA the data time limit applies")
    func dataTimeout() throws {
        let harness = try HandlerHarness(timeouts: .init(command: .seconds(10), data: .seconds(20)))
        try harness.clientSends("HELO c.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<x@mx.test>\r\n")
        harness.answer(.accept)
        try harness.clientSends("DATA\r\nsome\r\n")
        _ = try harness.serverWrote()
        harness.loop.advanceTime(by: .seconds(15))
        #expect(harness.channel.isActive)
        harness.loop.advanceTime(by: .seconds(5))
        #expect(try harness.serverWrote().hasPrefix("421 4.4.2"))
        #expect(!harness.channel.isActive)
    }

    @Test("no time limit runs while the delegate thinks")
    func noTimeoutWhileAsking() throws {
        let harness = try HandlerHarness(timeouts: .init(command: .seconds(10), data: .seconds(20)))
        try harness.clientSends("HELO c.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<x@mx.test>\r\n")
        harness.loop.advanceTime(by: .seconds(60))
        #expect(harness.channel.isActive)
        harness.answer(.accept)
        #expect(try harness.serverWrote().hasSuffix("250 2.1.5 Recipient OK\r\n"))
    }

    @Test("QUIT is answered 221 and the channel closed")
    func quit() throws {
        let harness = try HandlerHarness()
        try harness.clientSends("QUIT\r\n")
        #expect(try harness.serverWrote().hasSuffix("221 2.0.0 mx.test closing connection\r\n"))
        #expect(!harness.channel.isActive)
    }

    @Test("a refused admission is a 421 greeting and a closed channel")
    func refusedAdmission() throws {
        let harness = try HandlerHarness(admission: .tooManyConnections)
        #expect(try harness.serverWrote() == "421 4.3.2 mx.test too many connections, try again later\r\n")
        #expect(!harness.channel.isActive)
    }

    @Test("the server's shutdown event closes an idle session with 421 4.3.2")
    func shutdownEvent() throws {
        let harness = try HandlerHarness()
        _ = try harness.serverWrote()
        harness.channel.pipeline.fireUserInboundEventTriggered(SMTPServerHandler.Shutdown())
        #expect(try harness.serverWrote() == "421 4.3.2 mx.test shutting down, try again later\r\n")
        #expect(!harness.channel.isActive)
    }

    @Test("STARTTLS puts a TLS handler in front of the pipeline after the 220 went out in plain text")
    func startTLS() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        let context = try SMTPCertificateStore.load(.init(certificatePath: certificate.certificatePath, privateKeyPath: certificate.keyPath))
        try Self.runStartTLS(context)
    }

    /// On one thread, as `EmbeddedChannel` wants.
    static func runStartTLS(_ context: NIOSSLContext) throws {
        let harness = try HandlerHarness(settings: .test(offersTLS: true), tls: context)
        try harness.clientSends("EHLO client.test\r\n")
        #expect(try harness.serverWrote().contains("250 STARTTLS\r\n"))
        try harness.clientSends("STARTTLS\r\n")
        #expect(try harness.serverWrote() == "220 2.0.0 Ready to start TLS\r\n")
        #expect(throws: Never.self) { try harness.channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self) }
    }
}
