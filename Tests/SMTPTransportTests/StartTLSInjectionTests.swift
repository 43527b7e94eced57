import Foundation
import MailKit
import NIOCore
import NIOEmbedded
import Testing

@testable import SMTPTransport

/// RFC 3207 §6: whatever the server sends after its `220` to STARTTLS and before the TLS handshake
/// came in plain text, where an attacker can have put it to be read as the first reply over TLS
/// (response injection, the client's side of CVE-2011-0411). The client drops the connection.
@Suite("STARTTLS: plain text after the 220")
struct StartTLSInjectionTests {
    static let refusal = SMTPError(
        .protocolViolation,
        "the SMTP server sent data after agreeing to STARTTLS and before the TLS handshake; refusing to go on",
        isTransient: true
    )

    /// Sets a `smtp://` session up on `connection`; the error it fails with, if it does.
    static func setUp(on connection: SMTPConnection) async throws -> SMTPError? {
        let configuration = try SMTPConfiguration(url: "smtp://smtp.test:25")
        let tlsContext = try configuration.makeTLSContext()
        do {
            _ = try await SMTPSession.start(
                on: connection, configuration: configuration, heloName: "relay.test",
                tlsContext: tlsContext, timeouts: testTimeouts, logger: testLogger
            )
            return nil
        } catch {
            return error
        }
    }

    @Test("the machine drops the connection instead of saying EHLO when plain text was left unread")
    func machineRefuses() {
        var machine = SMTPClientStateMachine(settings: .init(heloName: "relay.test", tls: .required, credentials: testCredentials))
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        _ = machine.receive(ehlo("STARTTLS", "AUTH PLAIN"))
        #expect(machine.receive(reply("220 2.0.0 Ready to start TLS")) == .startTLS)
        #expect(machine.tlsEstablished(unreadPlaintext: true) == .failed(Self.refusal, .drop))
        #expect(!machine.isEncrypted)
        #expect(machine.awaitedStep == nil)
        #expect(machine.quit() == .closeConnection)
        #expect(machine.receive(reply("250-smtp.test", "250 AUTH PLAIN")).error?.code == .protocolViolation, "an injected reply is not taken")
    }

    @Test("with nothing unread the machine says EHLO again over TLS")
    func machineGoesOn() {
        var machine = SMTPClientStateMachine(settings: .init(heloName: "relay.test", tls: .required))
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        _ = machine.receive(ehlo("STARTTLS"))
        _ = machine.receive(reply("220 2.0.0 Ready to start TLS"))
        #expect(machine.tlsEstablished(unreadPlaintext: false) == .send([.ehlo("relay.test")]))
        #expect(machine.isEncrypted)
    }

    @Test(
        "a session over a test channel refuses '220 Ready' with more bytes in the same packet, and writes no command after STARTTLS",
        arguments: ["EVIL", "250-evil.test\r\n250 AUTH PLAIN\r\n"]
    )
    func sessionRefuses(injected: String) async throws {
        let (channel, connection) = try await testingConnection()
        async let outcome = Self.setUp(on: connection)
        try await channel.serverSays("220 smtp.test ESMTP\r\n")
        #expect(try await channel.clientWrote() == "EHLO relay.test\r\n")
        try await channel.serverSays("250-smtp.test\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n")
        #expect(try await channel.clientWrote() == "STARTTLS\r\n")
        // Time does not pass on the test channel's loop, so a client that took the bait would wait
        // for ever; closing the channel after a while ends that wait with another error.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(30))
            try? await channel.close()
        }
        defer { watchdog.cancel() }
        try await channel.serverSays("220 2.0.0 Ready to start TLS\r\n" + injected)

        #expect(try await outcome == Self.refusal)
        #expect(!channel.isActive, "the connection is dropped")
        while let written = try await channel.readOutbound(as: ByteBuffer.self) {
            #expect(written.readableBytesView.first == 0x16, "only TLS handshake records, no command: \(String(buffer: written))")
        }
    }

    @Test("end to end over TCP: a server that slips a fake EHLO reply in after its 220 gets no EHLO, and the send fails transiently")
    func transportRefuses() async throws {
        let answer: @Sendable (String) -> String? = { line in
            switch line.split(separator: " ").first?.uppercased() {
            case "EHLO": "250-scripted.test\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n"
            // One write: the 220 and, behind it, what would pass for the server's answer to EHLO over TLS.
            case "STARTTLS": "220 2.0.0 Ready to start TLS\r\n250-scripted.test\r\n250 AUTH PLAIN LOGIN\r\n"
            case "QUIT": "221 2.0.0 Bye\r\n"
            default: nil
            }
        }
        try await ScriptedSMTPServer.with(answer: answer) { server in
            let error = try await withTransport("smtp://relay:secret@localhost:\(server.port)") { transport in
                await expectTransportError { _ = try await transport.send(testEmail()) }
            }
            #expect(error == .transient(Self.refusal.message))

            let received = String(decoding: server.received, as: UTF8.self)
            let parts = received.components(separatedBy: "STARTTLS\r\n")
            #expect(parts.count == 2, "one STARTTLS: \(received)")
            #expect(parts.first?.hasPrefix("EHLO ") == true)
            let afterStartTLS = parts.dropFirst().joined()
            #expect(!afterStartTLS.contains("EHLO") && !afterStartTLS.contains("AUTH") && !afterStartTLS.contains("MAIL"))
        }
    }
}
