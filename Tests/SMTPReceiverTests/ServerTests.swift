import Foundation
import NIOCore
import ServiceLifecycle
import Testing
import TestSupport

@testable import SMTPReceiver

/// The receiver on a real socket on 127.0.0.1: Python's smtplib sends mail over plain text and
/// STARTTLS, raw clients test the limits and the shutdown.
@Suite("SMTP receiver on a socket")
struct ServerTests {
    /// CRLF lines, lines that begin with a dot, 8-bit text, an empty line: all must arrive as sent.
    static let message: [UInt8] = Array("""
        From: Alice <alice@example.org>\r
        To: reply@mx.test\r
        Subject: Re: your text\r
        Content-Type: text/plain; charset=utf-8\r
        Content-Transfer-Encoding: 8bit\r
        \r
        On his way.\r
        .\r
        ..two dots\r
        Grüße\r
        \r
        -- \r
        Alice\r

        """.utf8)

    @Test("smtplib sends a message in plain text; the delegate gets the exact bytes, the envelope and the session")
    func plainText() async throws {
        let delegate = RecordingDelegate()
        let server = try SMTPReceiverServer(configuration: loopbackConfiguration(), delegate: delegate, logger: testLogger)
        let report = try await withRunning(server) { port, _ in
            try await sendWithSMTPLib(
                port: port, message: Self.message, sender: "alice@example.org",
                recipients: ["reply@mx.test", "nobody@mx.test", "other@mx.test"], mailOptions: ["BODY=8BITMIME"]
            )
        }
        #expect(ClientReport.code(report.ehlo) == 250)
        #expect(report.extensions == ["8bitmime", "enhancedstatuscodes", "pipelining", "size", "smtputf8"])
        #expect(ClientReport.code(report.mail) == 250)
        #expect(report.rcpt.map(ClientReport.code) == [250, 550, 250])
        #expect(report.data == [.code(250), .text("2.0.0 OK: message accepted")])
        #expect(ClientReport.code(report.quit) == 221)
        #expect(delegate.recipients == ["reply@mx.test", "nobody@mx.test", "other@mx.test"])
        #expect(delegate.messages == [RecordingDelegate.Message(
            bytes: Self.message,
            envelope: SMTPEnvelopeInfo(sender: "alice@example.org", recipients: ["reply@mx.test", "other@mx.test"]),
            session: SMTPSessionInfo(clientAddress: "127.0.0.1", heloName: "client.test", isTLS: false)
        )])
    }

    @Test("smtplib sends a message over STARTTLS with a self-signed certificate; a bad reload keeps the certificate")
    func startTLS() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        let delegate = RecordingDelegate()
        let tls = SMTPReceiverConfiguration.TLS(certificatePath: certificate.certificatePath, privateKeyPath: certificate.keyPath)
        let server = try SMTPReceiverServer(configuration: loopbackConfiguration(tls: tls), delegate: delegate, logger: testLogger)
        try await withRunning(server) { port, _ in
            let report = try await sendWithSMTPLib(
                port: port, message: Self.message, sender: "", recipients: ["reply@mx.test"], startTLS: certificate.certificatePath
            )
            #expect(report.extensions.contains("starttls"))
            #expect(report.starttls == [.code(220), .text("2.0.0 Ready to start TLS")])
            #expect(report.cipher != nil)
            #expect(report.extensions_tls?.contains("starttls") == false)
            #expect(report.data.first == .code(250))

            // A certificate file that went bad is not taken; the one in use stays.
            let certificateFile = URL(fileURLWithPath: certificate.certificatePath)
            let good = try Data(contentsOf: certificateFile)
            let trusted = certificate.directory.appendingPathComponent("trusted.pem")
            try good.write(to: trusted)
            try Data("not a certificate".utf8).write(to: certificateFile)
            #expect(!server.reloadCertificates())
            let again = try await sendWithSMTPLib(port: port, message: Self.message, sender: "", recipients: ["reply@mx.test"], startTLS: trusted.path)
            #expect(again.data.first == .code(250))
            try good.write(to: certificateFile)
            #expect(server.reloadCertificates())
        }
        #expect(delegate.messages.count == 2)
        #expect(delegate.messages.allSatisfy { $0.bytes == Self.message && $0.session.isTLS && $0.envelope.sender == "" })
    }

    @Test("a certificate that cannot be read stops the server from being made")
    func unreadableCertificate() throws {
        let tls = SMTPReceiverConfiguration.TLS(certificatePath: "/nonexistent/cert.pem", privateKeyPath: "/nonexistent/key.pem")
        #expect(throws: SMTPReceiverError.self) {
            _ = try SMTPReceiverServer(configuration: loopbackConfiguration(tls: tls), delegate: RecordingDelegate(), logger: testLogger)
        }
    }

    @Test("over the connection limits a client is greeted with 421 and closed; a closed connection frees its place")
    func connectionLimits() async throws {
        var configuration = loopbackConfiguration()
        configuration.maximumConnections = 3
        configuration.maximumConnectionsPerAddress = 2
        let server = try SMTPReceiverServer(configuration: configuration, delegate: RecordingDelegate(), logger: testLogger)
        try await withRunning(server) { port, _ in
            let first = try await RawClient.connect(port: port)
            let second = try await RawClient.connect(port: port)
            try await first.waitFor("220 ")
            try await second.waitFor("220 ")
            let third = try await RawClient.connect(port: port)
            try await third.waitFor("421 4.7.0 mx.test too many connections from your address")
            try await third.waitForClose()
            await first.close()
            try await eventually("the server to count the closed connection") { server.connectionCount == 1 }
            let fourth = try await RawClient.connect(port: port)
            try await fourth.waitFor("220 ")
            await second.close()
            await fourth.close()
        }
    }

    @Test("a silent client is closed with 421 4.4.2 after the command time limit")
    func commandTimeout() async throws {
        var configuration = loopbackConfiguration()
        configuration.commandTimeout = .milliseconds(200)
        let server = try SMTPReceiverServer(configuration: configuration, delegate: RecordingDelegate(), logger: testLogger)
        try await withRunning(server) { port, _ in
            let client = try await RawClient.connect(port: port)
            try await client.waitFor("421 4.4.2")
            try await client.waitForClose()
        }
    }

    @Test("graceful shutdown closes idle sessions with 421 and lets a session in DATA finish its message")
    func gracefulShutdown() async throws {
        let delegate = RecordingDelegate()
        let server = try SMTPReceiverServer(configuration: loopbackConfiguration(), delegate: delegate, logger: testLogger)
        try await withRunning(server) { port, group in
            let idle = try await RawClient.connect(port: port)
            let sending = try await RawClient.connect(port: port)
            try await idle.send("EHLO idle.test\r\n")
            try await sending.send("EHLO busy.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<reply@mx.test>\r\nDATA\r\n")
            try await sending.waitFor("354 ")
            try await sending.send("first line\r\n")
            try await idle.waitFor("250 SMTPUTF8")
            await group.triggerGracefulShutdown()
            try await idle.waitFor("421 4.3.2 mx.test shutting down")
            try await idle.waitForClose()
            #expect(!sending.isClosed)
            try await sending.send("second line\r\n.\r\n")
            try await sending.waitFor("250 2.0.0 OK: message accepted\r\n421 4.3.2")
            try await sending.waitForClose()
            await expectRefused(port)
        }
        #expect(delegate.messages.map(\.bytes) == [Array("first line\r\nsecond line\r\n".utf8)])
        await #expect(throws: (any Error).self) { _ = try await server.boundPort }
    }

    /// Nothing listens on `port` once the server stopped accepting.
    private func expectRefused(_ port: Int) async {
        try? await eventually("the listening socket to close") { !LoopbackPort.isListening(port) }
        #expect(!LoopbackPort.isListening(port))
    }
}
