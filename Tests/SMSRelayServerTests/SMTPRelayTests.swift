import Foundation
import SMSRelayApp
import Hummingbird
import HummingbirdTesting
import Outbox
import SMSRelayServer
import Testing
import TestSupport

@Suite("Relay delivering through SMTP (aiosmtpd)")
struct SMTPRelayTests {
    @Test("the seed's callback, posted twice, reaches the SMTP server once with the right envelope and content, and the relay says QUIT as it stops")
    func seedThroughSMTP() async throws {
        try await SMTPTestServer.with { smtp in
            try await withTemporaryDirectory { dir in
                let extra = [
                    "transport": "smtp", "mail_from": "sms@example.org", "mail_to": "me@example.com, Partner <p@example.com>",
                ]
                let environment = ["SMSRELAY_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)?tls=none"]
                try await withLiveRelay(dir: dir, extra: extra, environment: environment) { client, assembly in
                    for _ in 0..<2 {
                        #expect(try await postCallback(client, IntakeTests.seed) == .ok)
                    }
                    let store = assembly.store
                    try await eventually("the SMTP delivery") { try await store.counts().sent == 1 }
                }
                let messages = try smtp.messages()
                #expect(messages.count == 1)
                #expect(try smtp.events().contains { $0.event == "quit" }, "the relay says QUIT when it stops")
                let message = try #require(messages.first)
                #expect(message.mail_from == "sms@example.org")
                #expect(message.rcpt_tos == ["me@example.com", "p@example.com"])
                let parsed = try #require(message.parsed)
                #expect(parsed.subject == "Text message from +1 855-356-9768 to +1 206-641-8000")
                #expect(parsed.from == "+1 855-356-9768 <sms@example.org>")
                #expect(parsed.text?.contains("Hello there from Flowroute!") == true)
                #expect(parsed.html?.contains("Hello there from Flowroute!") == true)
                #expect(parsed.defects.isEmpty)
            }
        }
    }

    @Test("a server that is down leaves the message pending for a retry")
    func serverDown() async throws {
        try await withTemporaryDirectory { dir in
            let port = try LoopbackPort.free()
            let extra = ["transport": "smtp", "mail_from": "sms@example.org", "mail_to": "me@example.com"]
            let environment = ["SMSRELAY_SMTP_URL": "smtp://127.0.0.1:\(port)?tls=none"]
            try await withLiveRelay(dir: dir, extra: extra, environment: environment) { client, assembly in
                #expect(try await postCallback(client, IntakeTests.seed) == .ok)
                let store = assembly.store
                try await eventually("a failed attempt") {
                    try await store.list(status: .pending, limit: 1).first?.attempts == 1
                }
                let entry = try #require(try await store.list(status: .pending, limit: 1).first)
                #expect(entry.lastError != nil)
                #expect(entry.nextAttemptAt != nil)
            }
        }
    }

    @Test("a bad SMTP URL stops the relay at start-up without showing the password")
    func badURL() async throws {
        _ = try await withTemporaryDirectory { dir in
            await #expect {
                let settings = try testSettings(
                    dir: dir, extra: ["transport": "smtp"],
                    environment: ["SMSRELAY_SMTP_URL": "smtp://user:hunter2@mail.example.com:99999"])
                _ = try await RelayAssembly(settings: settings, logger: .init(label: "test"))
            } throws: { error in
                let text = "\(error)"
                return text.contains("SMSRELAY_SMTP_URL") && !text.contains("hunter2")
            }
        }
    }
}
