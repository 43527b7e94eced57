import Foundation
import Outbox
import Testing
import TestSupport

/// `smsrelay serve` with its embedded SMTP receiver for the reply domain, answered by Python's
/// smtplib and by swaks as a sending mail server would, sending through a fake Flowroute API.
@Suite("Replies by SMTP to the embedded receiver (serve, smtplib, swaks, a fake Flowroute API)", .serialized)
struct ReplyReceiverTests {
    func withReceiver(tls: Bool = false, extra: [String: String] = [:], _ body: (ReplyRelay, Int, TestCertificate?) async throws -> Void) async throws {
        let port = try LoopbackPort.free()
        let certificate = tls ? try await TestCertificate.make() : nil
        defer { certificate?.remove() }
        var settings = ["SMSRELAY_REPLY_SMTP_LISTEN": "127.0.0.1:\(port)"]
        if let certificate {
            settings["SMSRELAY_REPLY_TLS_CERT"] = certificate.certificatePath
            settings["SMSRELAY_REPLY_TLS_KEY"] = certificate.keyPath
        }
        try await ReplyRelay.with(extra: settings.merging(extra) { $1 }) { relay in
            #expect(relay.server.printed.contains("Receiving reply email for sms.example.com by SMTP on 127.0.0.1:\(port)"), "\(relay.server.printed)")
            try await body(relay, port, certificate)
        }
    }

    static func address(of written: ReplyRelay.WrittenReply) throws -> String {
        try #require(written.to.split(separator: "<").last?.dropLast()).description
    }

    @Test("a reply over SMTP is answered 250 once stored and sent as one SMS; strangers' recipients, other domains and forged codes get 550")
    func plainText() async throws {
        try await withReceiver { relay, port, _ in
            let relayed = try await relay.relayedSeed()
            let written = try await relay.writeReply(to: relayed, text: "Got it, thanks")
            let address = try Self.address(of: written)
            let message = Array(try Data(contentsOf: try #require(written.file)))

            var forged = Array(address)
            let at = try #require(forged.firstIndex(of: "@"))
            forged[at - 1] = forged[at - 1] == "a" ? "b" : "a"
            let refused = try await SMTPClientRun.send(
                port: port, message: message, sender: ReplyRelay.user,
                recipients: ["someone@example.org", "sms1-12066418000-18553569768-aaaaaaaaaaaaaaaa@sms.example.com", String(forged)])
            #expect(refused.rcpt?.map { SMTPClientRun.code($0) } == [550, 550, 550], "\(refused)")
            #expect(SMTPClientRun.code(refused.error) == 554 || SMTPClientRun.code(refused.data) == 554, "no DATA without a recipient: \(refused)")

            let sent = try await SMTPClientRun.send(port: port, message: message, sender: ReplyRelay.user, recipients: [address])
            #expect(SMTPClientRun.code(sent.data) == 250, "\(sent)")
            try await eventually(timeout: .seconds(20), "the SMS") { try await relay.flowroute.requests().count == 1 }
            let request = try #require(try await relay.flowroute.requests().first)
            #expect(request.attributes["body"] == "Got it, thanks")
            #expect(request.attributes["to"] == ReplyRelay.texter)

            // The same email again (the sending server retried): 250, and no second SMS.
            let again = try await SMTPClientRun.send(port: port, message: message, sender: ReplyRelay.user, recipients: [address])
            #expect(SMTPClientRun.code(again.data) == 250)
            #expect(try await relay.store().list([.reply], status: nil, limit: 10).count == 1)
        }
    }

    @Test("a stranger's reply and an empty one get 554-class answers with the reason; an oversize one 552")
    func refusals() async throws {
        try await withReceiver(extra: ["SMSRELAY_REPLY_MAX_BYTES": "10240"]) { relay, port, _ in
            let relayed = try await relay.relayedSeed()
            let stranger = try await relay.writeReply(to: relayed, from: "mallory@example.net", text: "send money")
            let address = try Self.address(of: stranger)
            let refused = try await SMTPClientRun.send(
                port: port, message: Array(try Data(contentsOf: try #require(stranger.file))), sender: "mallory@example.net", recipients: [address])
            #expect(SMTPClientRun.code(refused.data) == 550, "\(refused)")
            #expect(SMTPClientRun.text(refused.data).contains("may not reply"), "\(refused)")

            let empty = try await relay.writeReply(to: relayed, text: "")
            let nothing = try await SMTPClientRun.send(
                port: port, message: Array(try Data(contentsOf: try #require(empty.file))), sender: ReplyRelay.user, recipients: [address])
            #expect(SMTPClientRun.code(nothing.data) == 554, "\(nothing)")
            #expect(SMTPClientRun.text(nothing.data).contains("No new text"), "\(nothing)")

            // Declared too large: refused at MAIL, before any of it is sent.
            let large = Array("Subject: big\r\n\r\n".utf8) + Array(String(repeating: String(repeating: "x", count: 70) + "\r\n", count: 300).utf8)
            let declared = try await SMTPClientRun.send(
                port: port, message: large, sender: ReplyRelay.user, recipients: [address], mailOptions: ["SIZE=\(large.count)"])
            #expect(SMTPClientRun.code(declared.mail) == 552, "\(declared)")
            #expect(declared.extensions?.contains("size") == true)
            // Not declared: refused once past the limit, without keeping what came after.
            let undeclared = try await SMTPClientRun.send(port: port, message: large, sender: ReplyRelay.user, recipients: [address])
            #expect(SMTPClientRun.code(undeclared.data) == 552, "\(undeclared)")

            try await eventually(timeout: .seconds(20), "the notice of the empty reply") { try await relay.emails().count == 2 }
            #expect(try await relay.flowroute.requests().isEmpty)
            #expect(!relay.server.standardError.contains("send money"))
            #expect(relay.server.standardError.contains("mallory@example.net"), "the envelope sender is logged")
        }
    }

    @Test("swaks over STARTTLS with the configured certificate delivers a reply sent as one SMS")
    func startTLS() async throws {
        try await withReceiver(tls: true) { relay, port, certificate in
            let relayed = try await relay.relayedSeed()
            let written = try await relay.writeReply(to: relayed, text: "Encrypted hello")
            let address = try Self.address(of: written)
            let swaks = try await ProcessRun(
                URL(fileURLWithPath: "/usr/bin/env"),
                ["swaks", "--server", "127.0.0.1", "--port", "\(port)", "--tls", "--tls-verify", "--tls-ca-path", try #require(certificate).certificatePath,
                 "--tls-sni", "localhost", "--from", ReplyRelay.user, "--to", address, "--data", try #require(written.file).path,
                 "--helo", "mail.example.com"],
                timeout: .seconds(60))
            let printed = String(decoding: swaks.stdout, as: UTF8.self)
            #expect(swaks.status == 0, "\(printed)\(String(decoding: swaks.stderr, as: UTF8.self))")
            #expect(printed.contains("STARTTLS"), "\(printed)")
            try await eventually(timeout: .seconds(20), "the SMS") { try await relay.flowroute.requests().count == 1 }
            #expect(try await relay.flowroute.requests().first?.attributes["body"] == "Encrypted hello")
        }
    }

    @Test("a reply answered 250 survives kill -9 of the server and is sent after the restart")
    func killAfter250() async throws {
        let port = try LoopbackPort.free()
        try await withTemporaryDirectory { dir in
            try await FakeFlowrouteAPI.with { flowroute in
                // A Flowroute that does not answer yet: the reply is stored, not sent, when the server dies.
                try await flowroute.script([FakeFlowrouteAPI.noAnswer])
                var environment = [
                    "SMSRELAY_DATA_DIR": dir.appendingPathComponent("data").path,
                    "SMSRELAY_WEBHOOK_TOKEN": testToken,
                    "SMSRELAY_MAIL_TO": ReplyRelay.user,
                    "SMSRELAY_REPLY_DOMAIN": "sms.example.com",
                    "SMSRELAY_REPLY_SMTP_LISTEN": "127.0.0.1:\(port)",
                    "SMSRELAY_FLOWROUTE_API_URL": flowroute.baseURL.absoluteString,
                    "SMSRELAY_FLOWROUTE_ACCESS_KEY": flowroute.accessKey,
                    "SMSRELAY_FLOWROUTE_SECRET_KEY": flowroute.secretKey,
                    "SMSRELAY_RETRY_BASE_SECONDS": "1",
                ]
                let first = try await ServeProcess(environment: environment)
                let relay = ReplyRelay(dir: dir, server: first, flowroute: flowroute, environment: environment)
                let relayed = try await relay.relayedSeed()
                let written = try await relay.writeReply(to: relayed, text: "Still there?")
                let sent = try await SMTPClientRun.send(
                    port: port, message: Array(try Data(contentsOf: try #require(written.file))), sender: ReplyRelay.user,
                    recipients: [try Self.address(of: written)])
                #expect(SMTPClientRun.code(sent.data) == 250, "\(sent)")
                first.kill()
                environment["SMSRELAY_WEBHOOK_TOKEN"] = testToken
                let second = try await ServeProcess(environment: environment)
                try await eventually(timeout: .seconds(30), "the SMS after the restart") {
                    try await relay.store().list([.reply], status: .sent, limit: 1).count == 1
                }
                #expect(try await flowroute.requests().map { $0.attributes["body"] }.allSatisfy { $0 == "Still there?" })
                #expect(second.terminate() == 0)
            }
        }
    }
}
