import TestSupport
import Foundation
import MailKit
import Testing

@testable import SMTPTransport

/// The transport against a real SMTP server: aiosmtpd in a child process on 127.0.0.1.
@Suite("SMTP transport against aiosmtpd")
struct SMTPTransportServerTests {
    @Test("plain text to a loopback relay delivers a message that Python's email package reads back intact")
    func plainLoopback() async throws {
        try await SMTPTestServer.with { server in
            let email = testEmail(to: ["ann@example.com", "bob@example.com"])
            let receipt = try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none") { transport in
                try await transport.send(email)
            }
            #expect(receipt.rejectedRecipients.isEmpty)
            #expect(receipt.transportMessageID?.hasPrefix("Q1x") == true, "the queue id from the 250 reply")
            #expect(receipt.answer?.hasPrefix("250 ") == true && receipt.answer?.contains("Q1x") == true, "the 250 reply itself: \(receipt.answer ?? "")")

            let message = try #require(try server.messages().first)
            #expect(message.mail_from == "relay@example.org")
            #expect(message.rcpt_tos == ["ann@example.com", "bob@example.com"])
            #expect(message.mail_options?.contains { $0.hasPrefix("SIZE=") } == true)
            #expect(message.bytes == MIMEWriter.render(email), "the server got exactly the rendered bytes")
            let parsed = try #require(message.parsed)
            #expect(parsed.subject == email.subject)
            #expect(parsed.from == "+1 555 0100 via SMS <relay@example.org>")
            #expect(parsed.to == "ann@example.com, bob@example.com")
            #expect(parsed.message_id == "<\(email.messageID)>")
            #expect(parsed.parts == ["multipart/alternative", "text/plain", "text/html"])
            #expect(parsed.text?.trimmingCharacters(in: .newlines) == testText.trimmingCharacters(in: .newlines))
            #expect(parsed.html?.contains("<p>Hello 👋</p>\n.<b>dot</b>") == true)
            #expect(parsed.defects.isEmpty)
        }
    }

    @Test("lines that start with dots, bare LFs and a missing final newline arrive as sent, with CRLF")
    func dotStuffingOnTheWire() async throws {
        try await SMTPTestServer.with { server in
            let raw = "Subject: dots\r\nFrom: relay@example.org\r\n\r\n.one\r\n..two\r\n.\r\n...\r\nbare\nlf\n. space\r\nlast"
            let expected = "Subject: dots\r\nFrom: relay@example.org\r\n\r\n.one\r\n..two\r\n.\r\n...\r\nbare\r\nlf\r\n. space\r\nlast\r\n"
            try await withTransport("smtp://localhost:\(server.port)?tls=none") { transport in
                _ = try await transport.send(message: Array(raw.utf8), sender: "relay@example.org", recipients: ["ann@example.com"])
            }
            let message = try #require(try server.messages().first)
            #expect(String(decoding: message.bytes, as: UTF8.self) == expected)
        }
    }

    @Test("STARTTLS with tls=required delivers, trusting the server through SMSRELAY_SMTP_CA_FILE")
    func startTLS() async throws {
        let pki = try TestPKI.shared()
        try await SMTPTestServer.with(pki.tlsArguments + ["--require-starttls"]) { server in
            try await withTransport("smtp://localhost:\(server.port)", caFile: pki.caFile) { transport in
                _ = try await transport.send(testEmail())
            }
            #expect(try server.messages().count == 1)
            #expect(try server.messages().first?.parsed?.defects.isEmpty == true)
        }
    }

    @Test("STARTTLS to an IP address checks the certificate's IP address")
    func startTLSToAddress() async throws {
        let pki = try TestPKI.shared()
        try await SMTPTestServer.with(pki.tlsArguments + ["--require-starttls"]) { server in
            try await withTransport("smtp://127.0.0.1:\(server.port)", caFile: pki.caFile) { transport in
                _ = try await transport.send(testEmail())
            }
            #expect(try server.messages().count == 1)
        }
    }

    @Test("implicit TLS (smtps://) delivers")
    func implicitTLS() async throws {
        let pki = try TestPKI.shared()
        try await SMTPTestServer.with(pki.tlsArguments + ["--implicit-tls"]) { server in
            try await withTransport("smtps://localhost:\(server.port)", caFile: pki.caFile) { transport in
                _ = try await transport.send(testEmail())
            }
            #expect(try server.messages().count == 1)
        }
    }

    @Test("AUTH with the right password delivers", arguments: ["plain", "login"])
    func authenticate(mechanism: String) async throws {
        let pki = try TestPKI.shared()
        let arguments = pki.tlsArguments + ["--auth-user", "relay@example.org", "--auth-password", "p@ss word"]
        try await SMTPTestServer.with(arguments) { server in
            try await withTransport("smtp://relay%40example.org:p%40ss%20word@localhost:\(server.port)?auth=\(mechanism)", caFile: pki.caFile) { transport in
                _ = try await transport.send(testEmail())
            }
            #expect(try server.messages().count == 1)
        }
    }

    @Test("a wrong password pauses the transport: one failed AUTH, then no connection until the pause ends, then one probe with a doubled pause", arguments: ["plain", "login"])
    func wrongPassword(mechanism: String) async throws {
        let pki = try TestPKI.shared()
        let arguments = pki.tlsArguments + ["--auth-user", "relay@example.org", "--auth-password", "right"]
        try await SMTPTestServer.with(arguments) { server in
            let pauses = SMTPCircuitBreaker.Policy(initialPause: .seconds(2), maximumPause: .seconds(3))
            let url = "smtp://relay%40example.org:WrongPassword@localhost:\(server.port)?auth=\(mechanism)"
            try await withTransport(url, caFile: pki.caFile, pauses: pauses) { transport in
                let first = await expectTransportError { _ = try await transport.send(testEmail(1)) }
                #expect(first?.kind == .suspended, "the message is not at fault: it stays pending")
                #expect(first?.retryAfter == .seconds(2))
                #expect(first?.message.hasPrefix("SMTP server refused AUTH \(mechanism.uppercased()): 535 ") == true, "\(first?.message ?? "")")
                #expect(first?.message.contains("check the user and password in SMSRELAY_SMTP_URL") == true)
                #expect(first?.message.contains("WrongPassword") == false)

                // While paused, messages fail at once, without a connection (no second failed login).
                for number in 2...4 {
                    let paused = await expectTransportError { _ = try await transport.send(testEmail(number)) }
                    #expect(paused?.kind == .suspended)
                    #expect((paused?.retryAfter ?? .zero) > .zero)
                    #expect((paused?.retryAfter ?? .seconds(99)) <= .seconds(2))
                }
                #expect(try server.connectionCount() == 1)

                // After the pause, one probe; refused again, the pause doubles (capped at the maximum).
                try await Task.sleep(for: (first?.retryAfter ?? .seconds(2)) + .milliseconds(100))
                let probe = await expectTransportError { _ = try await transport.send(testEmail(5)) }
                #expect(probe?.kind == .suspended)
                #expect(probe?.retryAfter == .seconds(3))
                #expect(try server.connectionCount() == 2)
            }
            #expect(try server.messages().isEmpty)
        }
    }

    @Test("AUTH over plain text to a loopback relay with tls=none, password from a file")
    func loopbackAuthWithPasswordFile() async throws {
        let passwordFile = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-pw-\(UUID().uuidString)")
        try Data("from-a-file\n".utf8).write(to: passwordFile)
        defer { try? FileManager.default.removeItem(at: passwordFile) }
        let arguments = ["--auth-user", "relay", "--auth-password", "from-a-file", "--auth-over-plain-text"]
        try await SMTPTestServer.with(arguments) { server in
            try await withTransport("smtp://relay@127.0.0.1:\(server.port)?tls=none", passwordFile: passwordFile.path) { transport in
                _ = try await transport.send(testEmail())
            }
            #expect(try server.messages().count == 1)
        }
    }

    @Test("tls=required against a server without STARTTLS pauses the transport, before any credential is sent")
    func startTLSNotOffered() async throws {
        try await SMTPTestServer.with { server in
            let error = try await withTransport("smtp://u:p@localhost:\(server.port)") { transport in
                await expectTransportError { _ = try await transport.send(testEmail()) }
            }
            #expect(error?.kind == .suspended)
            #expect(error?.message.contains("does not offer STARTTLS") == true)
        }
    }

    @Test("a server that is down is a transient failure")
    func serverDown() async throws {
        // Down, and staying down: the port is held by a socket that refuses connections.
        let down = try LoopbackPort.refusing()
        defer { down.close() }
        let port = down.port
        let error = try await withTransport("smtp://127.0.0.1:\(port)?tls=none") { transport in
            await expectTransportError { _ = try await transport.send(testEmail()) }
        }
        #expect(error?.kind == .transient)
        #expect(error?.message.contains("cannot connect to the SMTP server 127.0.0.1:\(port)") == true, "\(error?.message ?? "")")
    }

    @Test("a server that never greets times out, transiently")
    func greetingTimeout() async throws {
        try await SMTPTestServer.with(["--never-greet"]) { server in
            var timeouts = testTimeouts
            timeouts.greeting = .milliseconds(300)
            let error = try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none", timeouts: timeouts) { transport in
                await expectTransportError { _ = try await transport.send(testEmail()) }
            }
            #expect(error?.kind == .transient)
            #expect(error?.message.contains("did not answer in time (waiting for the greeting)") == true, "\(error?.message ?? "")")
            // The message names the limit that ended the wait: the greeting's own, not one of the others.
        }
    }

    @Test("a 452 on the first try is transient; the second try is delivered, once", arguments: ["rcpt", "data"])
    func transientThenDelivered(stage: String) async throws {
        try await SMTPTestServer.with(["--fail-first-with", "452 4.3.1 Insufficient system storage", "--fail-first-at", stage]) { server in
            try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none") { transport in
                let email = testEmail()
                let error = await expectTransportError { _ = try await transport.send(email) }
                #expect(error?.kind == .transient)
                #expect(error?.message.contains("452 4.3.1 Insufficient system storage") == true)
                _ = try await transport.send(email)
            }
            #expect(try server.messages().count == 1)
            #expect(try server.connectionCount() == 1, "the session survived the refusal")
        }
    }

    @Test("an untrusted certificate pauses the transport and points at SMSRELAY_SMTP_CA_FILE", arguments: [false, true])
    func untrustedCertificate(implicit: Bool) async throws {
        let pki = try TestPKI.shared()
        try await SMTPTestServer.with(pki.tlsArguments + (implicit ? ["--implicit-tls"] : [])) { server in
            let error = try await withTransport("\(implicit ? "smtps" : "smtp")://localhost:\(server.port)") { transport in
                await expectTransportError { _ = try await transport.send(testEmail()) }
            }
            #expect(error?.kind == .suspended)
            #expect(error?.message.contains("could not be verified") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("SMSRELAY_SMTP_CA_FILE") == true)
            #expect(try server.messages().isEmpty)
        }
    }

    @Test("smtps:// to a port that speaks plain SMTP fails transiently, saying which scheme fits which port")
    func implicitTLSToPlainServer() async throws {
        let pki = try TestPKI.shared()
        try await SMTPTestServer.with { server in
            let error = try await withTransport("smtps://localhost:\(server.port)", caFile: pki.caFile) { transport in
                await expectTransportError { _ = try await transport.send(testEmail()) }
            }
            #expect(error?.kind == .transient)
            #expect(error?.message.contains("TLS handshake") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("smtps://") == true)
        }
    }

    @Test("a trusted certificate for another host name is refused")
    func wrongHostName() async throws {
        let pki = try TestPKI.shared()
        try await SMTPTestServer.with(["--tls-cert", pki.otherNameCertificate, "--tls-key", pki.otherNameKey]) { server in
            let error = try await withTransport("smtp://localhost:\(server.port)", caFile: pki.caFile) { transport in
                await expectTransportError { _ = try await transport.send(testEmail()) }
            }
            #expect(error?.kind == .suspended)
            #expect(error?.message.contains("SMTP server localhost:\(server.port)") == true, "\(error?.message ?? "")")
            #expect(try server.messages().isEmpty)
        }
    }

    @Test("a refused recipient is in the receipt, and the others get the message", arguments: [false, true])
    func partialRecipients(pipelining: Bool) async throws {
        let arguments = ["--reject-recipient", "gone@example.com"] + (pipelining ? ["--pipelining"] : [])
        try await SMTPTestServer.with(arguments) { server in
            let receipt = try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none") { transport in
                try await transport.send(testEmail(to: ["ann@example.com", "gone@example.com", "bob@example.com"]))
            }
            #expect(receipt.rejectedRecipients.keys.sorted() == ["gone@example.com"])
            #expect(receipt.rejectedRecipients["gone@example.com"]?.hasPrefix("550 5.1.1") == true)
            #expect(try server.messages().first?.rcpt_tos == ["ann@example.com", "bob@example.com"])
        }
    }

    @Test("every recipient refused fails permanently, and nothing is delivered", arguments: [false, true])
    func allRecipientsRefused(pipelining: Bool) async throws {
        let arguments = ["--reject-recipient", "a@example.com", "--reject-recipient", "b@example.com"] + (pipelining ? ["--pipelining"] : [])
        try await SMTPTestServer.with(arguments) { server in
            let error = try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none") { transport in
                await expectTransportError { _ = try await transport.send(testEmail(to: ["a@example.com", "b@example.com"])) }
            }
            #expect(error?.kind == .permanent)
            #expect(error?.message.hasPrefix("SMTP server refused every recipient: a@example.com (550 5.1.1") == true, "\(error?.message ?? "")")
            #expect(try server.messages().isEmpty)
        }
    }

    @Test("many messages go over one connection, with or without PIPELINING", arguments: [false, true])
    func connectionReuse(pipelining: Bool) async throws {
        try await SMTPTestServer.with(pipelining ? ["--pipelining"] : []) { server in
            try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none") { transport in
                for number in 1...5 {
                    _ = try await transport.send(testEmail(number))
                }
            }
            let messages = try server.messages()
            #expect(messages.count == 5)
            #expect(Set(messages.map(\.connection)) == [1])
            #expect(try server.connectionCount() == 1)
            #expect(messages.map { $0.parsed?.subject.hasPrefix("SMS #") == true } == Array(repeating: true, count: 5))
        }
    }

    @Test("with reuse off, each message has its own connection")
    func noReuse() async throws {
        try await SMTPTestServer.with { server in
            try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none", reuseConnections: false) { transport in
                for number in 1...3 {
                    _ = try await transport.send(testEmail(number))
                }
            }
            #expect(try server.messages().count == 3)
            #expect(try server.connectionCount() == 3)
        }
    }

    @Test("concurrent sends are serialised over the one connection")
    func concurrentSends() async throws {
        let pki = try TestPKI.shared()
        try await SMTPTestServer.with(pki.tlsArguments + ["--pipelining"]) { server in
            try await withTransport("smtp://localhost:\(server.port)", caFile: pki.caFile) { transport in
                try await withThrowingTaskGroup(of: MailReceipt.self) { group in
                    for number in 1...12 {
                        group.addTask { try await transport.send(testEmail(number)) }
                    }
                    for try await _ in group {}
                }
            }
            #expect(try server.messages().count == 12)
            #expect(try server.connectionCount() == 1)
        }
    }

    @Test("a connection the server dropped while idle is replaced")
    func idleDrop() async throws {
        // aiosmtpd ends the connection once the first message is taken, as its idle limit would,
        // and says so: no idle limit to wait out (a 10 s one also cut a first transaction that
        // the loaded machine made slower than that).
        try await SMTPTestServer.with(["--close-after-first-message"]) { server in
            try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none") { transport in
                _ = try await transport.send(testEmail(1))
                try await eventually("the server closing the idle connection") { try server.events().contains { $0.event == "closed-idle" } }
                _ = try await transport.send(testEmail(2))
            }
            #expect(try server.messages().map(\.connection) == [1, 2])
        }
    }

    @Test("a reused connection found dead at MAIL FROM is replaced quietly and the message sent once", arguments: [false, true])
    func deadReusedConnection(pipelining: Bool) async throws {
        try await SMTPTestServer.with(["--drop-on-first-reuse"] + (pipelining ? ["--pipelining"] : [])) { server in
            try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none") { transport in
                _ = try await transport.send(testEmail(1))
                _ = try await transport.send(testEmail(2))
                _ = try await transport.send(testEmail(3))
            }
            #expect(try server.messages().map(\.connection) == [1, 2, 2])
            #expect(try server.connectionCount() == 2)
        }
    }

    @Test("a message over the server's SIZE fails permanently before DATA")
    func tooLarge() async throws {
        try await SMTPTestServer.with(["--size-limit", "2000"]) { server in
            let error = try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none") { transport in
                var email = testEmail()
                email.textBody = String(repeating: "This line makes the message longer than the limit.\n", count: 60)
                return await expectTransportError { _ = try await transport.send(email) }
            }
            #expect(error?.kind == .permanent)
            #expect(error?.message.contains("takes at most 2000") == true)
            #expect(try server.messages().isEmpty)
        }
    }

    @Test("RSET only after a transaction that failed: none between delivered messages", arguments: [false, true])
    func resetOnlyWhenNeeded(pipelining: Bool) async throws {
        let arguments = ["--reject-recipient", "gone@example.com"] + (pipelining ? ["--pipelining"] : [])
        try await SMTPTestServer.with(arguments) { server in
            try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none") { transport in
                for number in 1...3 {
                    _ = try await transport.send(testEmail(number))
                }
                #expect(try server.events().filter { $0.event == "reset" }.isEmpty)
                let refused = await expectTransportError { _ = try await transport.send(testEmail(4, to: ["gone@example.com"])) }
                #expect(refused?.kind == .permanent)
                _ = try await transport.send(testEmail(5))
                _ = try await transport.send(testEmail(6))
            }
            #expect(try server.events().filter { $0.event == "reset" }.count == 1, "one RSET, after the refused transaction")
            #expect(try server.messages().count == 5)
            #expect(try server.connectionCount() == 1)
        }
    }

    @Test("EHLO gives a fully qualified name or an address literal, never a bare host name; the setting overrides it")
    func ehloName() async throws {
        try await SMTPTestServer.with { server in
            try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none") { transport in
                _ = try await transport.send(testEmail(1))
            }
            try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none", heloName: "relay.example.org") { transport in
                _ = try await transport.send(testEmail(2))
            }
            let names = try server.events().filter { $0.event == "ehlo" }.compactMap(\.name)
            #expect(names.count == 2)
            let automatic = try #require(names.first)
            if let host = SMTPHeloName.localHostName, SMTPHeloName.isFullyQualifiedDomain(host) {
                #expect(automatic == host)
            } else {
                #expect(automatic == "[127.0.0.1]", "the address literal of the local end of the connection")
            }
            #expect(names.last == "relay.example.org")
        }
    }

    @Test("an idle session is closed with QUIT after the idle limit, and the next message opens a new one")
    func idleQuit() async throws {
        try await SMTPTestServer.with { server in
            try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none", idleTimeout: .milliseconds(300)) { transport in
                _ = try await transport.send(testEmail(1))
                try await eventually("QUIT after the idle limit") {
                    try server.events().contains { $0.event == "quit" }
                }
                #expect(try server.connectionCount() == 1)
                _ = try await transport.send(testEmail(2))
            }
            #expect(try server.messages().map(\.connection) == [1, 2])
        }
    }

    @Test("shutdown says QUIT; later sends fail transiently")
    func shutdown() async throws {
        try await SMTPTestServer.with { server in
            let configuration = try SMTPConfiguration(url: "smtp://127.0.0.1:\(server.port)?tls=none")
            let transport = SMTPTransport(configuration: configuration, timeouts: testTimeouts, logger: .init(label: "test"))
            _ = try await transport.send(testEmail())
            #expect(try !server.events().contains { $0.event == "quit" })
            await transport.shutdown()
            try await eventually(timeout: .seconds(10), "the server hears QUIT") { try server.events().contains { $0.event == "quit" } }
            let error = await expectTransportError { _ = try await transport.send(testEmail(2)) }
            #expect(error?.kind == .transient)
            #expect(try server.messages().count == 1)
        }
    }
}
