import Foundation
import SMSRelayApp
import Hummingbird
import HummingbirdTesting
import Outbox
import SMSRelayCore
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
            // Down, and staying down: the port is held by a socket that refuses connections.
            let down = try LoopbackPort.refusing()
            defer { down.close() }
            let port = down.port
            let extra = ["transport": "smtp", "mail_from": "sms@example.org", "mail_to": "me@example.com"]
            let environment = ["SMSRELAY_SMTP_URL": "smtp://127.0.0.1:\(port)?tls=none"]
            try await withLiveRelay(dir: dir, extra: extra, environment: environment) { client, assembly in
                #expect(try await postCallback(client, IntakeTests.seed) == .ok)
                let store = assembly.store
                try await eventually("a failed attempt") {
                    (try await store.list(status: .pending, limit: 1).first?.attempts ?? 0) >= 1
                }
                let entry = try #require(try await store.list(status: nil, limit: 1).first)
                #expect(entry.status == .pending)
                #expect(entry.lastError?.contains("cannot connect to the SMTP server 127.0.0.1:\(port)") == true, "\(entry.lastError ?? "")")
                #expect(entry.nextAttemptAt != nil)
            }
        }
    }

    static let smtpExtra = ["transport": "smtp", "mail_from": "sms@example.org", "mail_to": "me@example.com"]

    @Test("a 451 at DATA is retried and the message reaches the server once, on the second attempt")
    func transientThenSent() async throws {
        try await SMTPTestServer.with(["--fail-first-with", "451 4.3.0 Mailbox busy, try again", "--fail-first-at", "data"]) { smtp in
            try await withTemporaryDirectory { dir in
                let environment = ["SMSRELAY_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)?tls=none"]
                try await withLiveRelay(dir: dir, extra: Self.smtpExtra, environment: environment) { client, assembly in
                    #expect(try await postCallback(client, IntakeTests.seed) == .ok)
                    let store = assembly.store
                    try await eventually("the delivery") { try await store.counts().sent == 1 }
                    let entry = try #require(try await store.list(status: .sent, limit: 1).first)
                    #expect(entry.attempts == 2, "the 451 cost one attempt, the 250 ended it")
                    #expect(entry.transportMessageID?.hasPrefix("Q") == true, "aiosmtpd's queue id: \(entry.transportMessageID ?? "")")
                }
                let messages = try smtp.messages()
                #expect(messages.count == 1)
                #expect(messages.first?.parsed?.text?.contains("Hello there from Flowroute!") == true)
            }
        }
    }

    @Test("a 554 at DATA makes the message dead at once, with the server's words in the outbox and in `outbox list`")
    func permanentIsDead() async throws {
        try await SMTPTestServer.with(["--fail-first-with", "554 5.7.1 Message refused as spam", "--fail-first-at", "data"]) { smtp in
            try await withTemporaryDirectory { dir in
                let environment = ["SMSRELAY_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)?tls=none"]
                try await withLiveRelay(dir: dir, extra: Self.smtpExtra, environment: environment) { client, assembly in
                    #expect(try await postCallback(client, IntakeTests.seed) == .ok)
                    let store = assembly.store
                    try await eventually("the dead letter") { try await store.counts().dead == 1 }
                    let entry = try #require(try await store.list(status: .dead, limit: 1).first)
                    #expect(entry.attempts == 1, "a permanent refusal is not retried")
                    #expect(entry.lastError?.contains("554 5.7.1 Message refused as spam") == true, "\(entry.lastError ?? "")")
                    let listed = try await CommandRun(["outbox", "list", "--status", "dead", "--data-dir", dir.path])
                    #expect(listed.status == 0, "\(listed.stderr)")
                    #expect(listed.stdout.contains("554 5.7.1 Message refused as spam"), "\(listed.stdout)")
                }
                #expect(try smtp.messages().isEmpty)
            }
        }
    }

    @Test("SMSRELAY_MAX_ATTEMPTS reaches the worker: with 2, a server that stays down makes the message dead after its second attempt")
    func maxAttempts() async throws {
        try await withTemporaryDirectory { dir in
            let down = try LoopbackPort.refusing()
            defer { down.close() }
            let environment = ["SMSRELAY_SMTP_URL": "smtp://127.0.0.1:\(down.port)?tls=none", "SMSRELAY_MAX_ATTEMPTS": "2"]
            try await withLiveRelay(dir: dir, extra: Self.smtpExtra, environment: environment) { client, assembly in
                #expect(try await postCallback(client, IntakeTests.seed) == .ok)
                let store = assembly.store
                // Without the cap the message would stay pending, its attempts growing past 2.
                try await eventually("dead, or a third attempt") {
                    let entry = try await store.list(status: nil, limit: 1).first
                    return entry?.status == .dead || (entry?.attempts ?? 0) > 2
                }
                let entry = try #require(try await store.list(status: nil, limit: 1).first)
                #expect(entry.status == .dead)
                #expect(entry.attempts == 2)
                #expect(entry.lastError?.contains("cannot connect to the SMTP server") == true, "\(entry.lastError ?? "")")
            }
        }
    }

    @Test("SMSRELAY_RETRY_FOR reaches the worker: a message pending for longer is dead at its next failure, a new one is retried")
    func retryHorizon() async throws {
        try await withTemporaryDirectory { dir in
            let down = try LoopbackPort.refusing()
            defer { down.close() }
            let environment = ["SMSRELAY_SMTP_URL": "smtp://127.0.0.1:\(down.port)?tls=none", "SMSRELAY_RETRY_FOR": "1m"]
            try await withLiveRelay(dir: dir, extra: Self.smtpExtra, environment: environment) { client, assembly in
                let store = assembly.store
                // Stored two minutes ago, as after an outage of the relay itself.
                let message = InboundMessage(
                    carrier: "flowroute", id: "mdr1-old", from: "12065550199", to: "12065550100", body: "old",
                    receivedAt: Date().addingTimeInterval(-120))
                let old = try await store.enqueue(message, now: Date().addingTimeInterval(-120)).id
                #expect(try await postCallback(client, IntakeTests.seed) == .ok)
                try await eventually("the old message dead, the new one failed twice") {
                    guard try await store.entry(id: old)?.status == .dead else { return false }
                    return (try await store.list(status: .pending, limit: 1).first?.attempts ?? 0) >= 2
                }
                let dead = try #require(try await store.entry(id: old))
                #expect(dead.attempts == 1, "past the horizon, the first failure ends it")
                #expect(dead.lastError?.contains("cannot connect to the SMTP server") == true, "\(dead.lastError ?? "")")
                #expect(try await store.counts().pending == 1, "the new message is still retried")
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
