import Foundation
import Hummingbird
import HummingbirdTesting
import Outbox
import SMSRelayServer
import Testing
import TestSupport

/// The relay delivering through a real MTA: a private Postfix with strict settings
/// (`reject_non_fqdn_helo_hostname`, `smtpd_forbid_unauth_pipelining`, bare newlines refused,
/// STARTTLS required, SASL AUTH through Dovecot). One Postfix serves the whole suite.
@Suite("Relay delivering through Postfix", .serialized)
struct PostfixRelayTests {
    static let arguments = ["--mailbox", "inbox@example.com", "--mailbox", "second@example.com"]

    static func callback(_ n: Int) -> String {
        #"{"to": "12066418000", "body": "Postfix message \#(n).\nA line that starts with a dot:\n. like this", "from": "18553569768", "id": "mdr1-postfix-\#(n)"}"#
    }

    /// Postfix's log from `offset` on: what this test's sessions produced.
    static func log(_ postfix: PostfixTestServer, from offset: Int) -> [String] {
        postfix.log().utf8.dropFirst(offset).split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }

    func relaySettings(_ postfix: PostfixTestServer, password: String, mailTo: String) -> (extra: [String: String], environment: [String: String]) {
        let user = (postfix.authUser ?? "").replacingOccurrences(of: "@", with: "%40")
        let encodedPassword = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        return (
            ["transport": "smtp", "mail_from": "sms@example.org", "mail_to": mailTo, "smtp_idle_seconds": "1"],
            [
                "SMSRELAY_SMTP_URL": "smtp://\(user):\(encodedPassword)@localhost:\(postfix.port)",
                "SMSRELAY_SMTP_CA_FILE": postfix.caFile.path,
            ]
        )
    }

    @Test("callbacks reach the Maildir through STARTTLS and AUTH, once each; a refused recipient is recorded; Postfix logs no warning, no RSET, and a QUIT when the session idles")
    func deliversThroughPostfix() async throws {
        let postfix = try await PostfixTestServer.shared(Self.arguments)
        let offset = postfix.log().utf8.count
        let before = postfix.deliveredMessages(to: "inbox@example.com").count
        let (extra, environment) = relaySettings(
            postfix, password: postfix.authPassword ?? "", mailTo: "inbox@example.com, gone@example.com, second@example.com")
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir, extra: extra, environment: environment) { client, assembly in
                for n in 1...5 {
                    #expect(try await postCallback(client, Self.callback(n)) == .ok)
                }
                #expect(try await postCallback(client, Self.callback(1)) == .ok, "a retried callback")
                let store = assembly.store
                try await eventually(timeout: .seconds(30), "five deliveries") { try await store.counts().sent == 5 }
                let entries = try await store.list(status: .sent, limit: 10)
                #expect(entries.count == 5)
                for entry in entries {
                    #expect(entry.failedRecipients.keys.sorted() == ["gone@example.com"])
                    #expect(entry.failedRecipients["gone@example.com"]?.hasPrefix("550 5.1.1") == true, "\(entry.failedRecipients)")
                    #expect(entry.transportMessageID?.isEmpty == false, "Postfix's queue id")
                }
                // With a one-second idle limit the relay ends the session itself, before it stops.
                try await eventually(timeout: .seconds(30), "the relay's QUIT") {
                    Self.log(postfix, from: offset).contains { $0.contains(" disconnect from ") && $0.contains("quit=1") }
                }
            }
        }
        let messages = try await postfix.waitForDelivery(count: before + 5, to: "inbox@example.com")
        let ours = messages.dropFirst(before).map { String(decoding: $0, as: UTF8.self) }
        #expect(ours.count == 5)
        for n in 1...5 {
            #expect(ours.filter { $0.contains("mdr1-postfix-\(n)@") }.count == 1, "message \(n) once")
        }
        #expect(ours.allSatisfy { $0.contains("with ESMTPSA") }, "over TLS, authenticated")
        #expect(postfix.deliveredMessages(to: "second@example.com").count >= 5)

        let lines = Self.log(postfix, from: offset)
        let problems = lines.filter { ["warning:", "error:", "fatal:", "panic:"].contains(where: $0.contains) }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        let sessions = lines.filter { $0.contains(" disconnect from ") }
        #expect(!sessions.isEmpty)
        #expect(sessions.allSatisfy { !$0.contains("rset=") }, "no RSET between delivered messages: \(sessions)")
        #expect(sessions.allSatisfy { $0.contains("quit=1") }, "every session ends with QUIT: \(sessions)")
        #expect(!lines.contains { $0.contains("Helo command rejected") })
    }

    @Test("a wrong password costs one failed login for all the messages, which stay pending with Postfix's 535")
    func wrongPasswordPauses() async throws {
        let postfix = try await PostfixTestServer.shared(Self.arguments)
        let offset = postfix.log().utf8.count
        let (extra, environment) = relaySettings(postfix, password: "not the password", mailTo: "inbox@example.com")
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir, extra: extra, environment: environment) { client, assembly in
                for n in 10...13 {
                    #expect(try await postCallback(client, Self.callback(n)) == .ok)
                }
                let store = assembly.store
                try await eventually(timeout: .seconds(30), "every message postponed with the server's refusal") {
                    let pending = try await store.list(status: .pending, limit: 10)
                    return pending.count == 4 && pending.allSatisfy { $0.lastError?.contains("535") == true }
                }
                let pending = try await store.list(status: .pending, limit: 10)
                #expect(pending.allSatisfy { $0.attempts == 0 }, "no attempt is used up")
                #expect(pending.allSatisfy { ($0.nextAttemptAt ?? .distantPast) > Date().addingTimeInterval(30) }, "postponed for the pause")
                #expect(try await store.counts().dead == 0)
            }
        }
        let failures = Self.log(postfix, from: offset).filter { $0.contains("authentication failed") }
        #expect(failures.count == 1, "\(failures)")
    }
}
