import Foundation
import MailKit
import Outbox
import SMSRelayCore
import TestSupport
import Testing

/// `smsrelay outbox …` against the data folder of a running `smsrelay serve`.
@Suite("smsrelay outbox beside a running server", .serialized)
struct OutboxCommandProcessTests {
    @Test("a message revived with `outbox retry` is delivered by the running server without waiting for a long poll")
    func retryPickedUp() async throws {
        try await withTemporaryDirectory { dir in
            // A dead message, as a permanent failure leaves it.
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("outbox.sqlite").path)
            let message = InboundMessage(
                carrier: "flowroute", id: "mdr1-revived", from: "18553569768", to: "12066418000",
                body: "revive me", receivedAt: Date())
            let id = try await store.enqueue(message, now: Date()).id
            try await store.markFailed(id: id, error: "550 5.1.1 no such user", retryAt: nil, now: Date())
            #expect(try await store.counts().dead == 1)

            let server = try await ServeProcess(environment: ["SMSRELAY_DATA_DIR": dir.path])
            let listed = try await CommandRun(["outbox", "list", "--status", "dead", "--data-dir", dir.path])
            #expect(listed.stdout.contains("550 5.1.1 no such user"))

            let retried = try await CommandRun(["outbox", "retry", "\(id)", "--data-dir", dir.path])
            #expect(retried.status == 0, "\(retried.stderr)")
            // The server used to look again only every 30 s; it now notices within about a second.
            try await eventually(timeout: .seconds(10), "the revived message delivered") {
                try maildirMessages(dir.appendingPathComponent("mail")).count == 1
            }
            #expect(try await store.counts().sent == 1)
            #expect(server.terminate() == 0)
        }
    }

    /// A text to one of the routes of ``config``, from the same texter.
    static func callback(_ n: Int) -> String {
        #"{"to": "1206555010\#(n)", "body": "text \#(n)", "from": "18553569768", "id": "mdr1-outbox-\#(n)"}"#
    }

    /// One route per outcome: aiosmtpd takes the first for one recipient and refuses the other,
    /// refuses the next two for good, and the last for now.
    static let config = """
        mail_from: sms@example.org
        routes:
          "12065550101":
            to: [inbox@example.com, gone@example.com]
          "12065550102":
            to: closed-1@example.com
          "12065550103":
            to: closed-2@example.com
          "12065550104":
            to: later@example.com
        """

    static let refusals = [
        "gone@example.com": "550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown",
        "closed-1@example.com": "550 5.2.1 <closed-1@example.com>: Mailbox disabled",
        "closed-2@example.com": "550 5.2.1 <closed-2@example.com>: Mailbox disabled",
        "later@example.com": "451 4.3.0 <later@example.com>: Try again later",
    ]

    static func writeRefusals(_ refusals: [String: String], to file: URL) throws {
        try JSONSerialization.data(withJSONObject: refusals).write(to: file, options: .atomic)
    }

    /// The row of `carrierID` in an `outbox list` and the indented lines under it.
    static func block(_ listing: String, _ carrierID: String) -> [String]? {
        let lines = listing.split(separator: "\n").map(String.init)
        guard let row = lines.firstIndex(where: { $0.hasSuffix(" " + carrierID) }) else { return nil }
        return [lines[row]] + lines[(row + 1)...].prefix { $0.hasPrefix(" ") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    static func carrierID(_ entry: OutboxEntry) -> String? {
        if case .inbound(let message) = entry.item { return message.id }
        return nil
    }

    @Test("outbox list shows real sent, pending and dead rows with the server's words; retry <id> and retry --all-dead revive dead ones, which the running server delivers")
    func realRows() async throws {
        try await withTemporaryDirectory { dir in
            let refusalsFile = dir.appendingPathComponent("rcpt-replies.json")
            try Self.writeRefusals(Self.refusals, to: refusalsFile)
            try await SMTPTestServer.with(["--rcpt-replies", refusalsFile.path]) { smtp in
                let config = dir.appendingPathComponent("relay.yaml")
                try Data(Self.config.utf8).write(to: config)
                let data = dir.appendingPathComponent("data")
                let server = try await ServeProcess(environment: [
                    "SMSRELAY_DATA_DIR": data.path, "SMSRELAY_CONFIG": config.path, "SMSRELAY_TRANSPORT": "smtp",
                    "SMSRELAY_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)?tls=none",
                    // The pending message's next attempt is far away: it stays pending for the test.
                    "SMSRELAY_RETRY_BASE_SECONDS": "3600", "SMSRELAY_RETRY_MAX_SECONDS": "3600",
                ])
                for n in 1...4 {
                    #expect(try await server.post(Self.callback(n)) == 200)
                }
                let store = try SQLiteOutboxStore(path: data.appendingPathComponent("outbox.sqlite").path)
                try await eventually("one sent, two dead, one pending after its failed attempt") {
                    let counts = try await store.counts()
                    guard counts.sent == 1, counts.dead == 2, counts.pending == 1 else { return false }
                    return try await store.list(status: .pending, limit: 1).first?.attempts == 1
                }
                var ids: [String: Int64] = [:]
                for entry in try await store.list(status: nil, limit: 10) {
                    if let carrierID = Self.carrierID(entry) { ids[carrierID] = entry.id }
                }
                let dead1 = try #require(ids["mdr1-outbox-2"])
                let dead2 = try #require(ids["mdr1-outbox-3"])
                let pending = try #require(ids["mdr1-outbox-4"])

                let all = try await CommandRun(["outbox", "list", "--data-dir", data.path])
                #expect(all.status == 0, "\(all.stderr)")
                let sent = try #require(Self.block(all.stdout, "mdr1-outbox-1"), "\(all.stdout)")
                #expect(sent[0].contains(" sent "), "\(sent)")
                #expect(sent.contains("refused gone@example.com: 550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown"), "\(sent)")
                for carrierID in ["mdr1-outbox-2", "mdr1-outbox-3"] {
                    let dead = try #require(Self.block(all.stdout, carrierID), "\(all.stdout)")
                    let mailbox = carrierID.hasSuffix("2") ? "closed-1" : "closed-2"
                    #expect(dead[0].contains(" dead "), "\(dead)")
                    #expect(dead.contains { $0.contains("550 5.2.1 <\(mailbox)@example.com>: Mailbox disabled") }, "the server's words: \(dead)")
                }
                let waiting = try #require(Self.block(all.stdout, "mdr1-outbox-4"), "\(all.stdout)")
                #expect(waiting[0].contains(" pending "), "\(waiting)")
                #expect(waiting.contains { $0.contains("451 4.3.0 <later@example.com>: Try again later") }, "\(waiting)")
                #expect(waiting.contains { $0.hasPrefix("next attempt ") }, "\(waiting)")

                let deadOnly = try await CommandRun(["outbox", "list", "--status", "dead", "--data-dir", data.path])
                #expect(deadOnly.status == 0, "\(deadOnly.stderr)")
                #expect(Self.block(deadOnly.stdout, "mdr1-outbox-2") != nil && Self.block(deadOnly.stdout, "mdr1-outbox-3") != nil)
                #expect(Self.block(deadOnly.stdout, "mdr1-outbox-1") == nil && Self.block(deadOnly.stdout, "mdr1-outbox-4") == nil)
                let pendingOnly = try await CommandRun(["outbox", "list", "--status", "pending", "--data-dir", data.path])
                #expect(Self.block(pendingOnly.stdout, "mdr1-outbox-4") != nil)
                #expect(pendingOnly.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }.count == 2, "the header and one row: \(pendingOnly.stdout)")
                let unknown = try await CommandRun(["outbox", "list", "--status", "bogus", "--data-dir", data.path])
                #expect(unknown.status == 64)
                #expect(unknown.stderr.contains("unknown status 'bogus'; use pending, sent, dead"), "\(unknown.stderr)")

                // The mailboxes are open again.
                try Self.writeRefusals(Self.refusals.filter { !$0.key.hasPrefix("closed") }, to: refusalsFile)
                let one = try await CommandRun(["outbox", "retry", "\(dead1)", "--data-dir", data.path])
                #expect(one.status == 0, "\(one.stderr)")
                #expect(one.stdout.hasPrefix("Message \(dead1) is pending again"), "\(one.stdout)")
                try await eventually("the revived message sent") { try await store.entry(id: dead1)?.status == .sent }
                #expect(try await store.entry(id: dead2)?.status == .dead, "retry <id> revives that message only")

                let notDead = try await CommandRun(["outbox", "retry", "\(pending)", "--data-dir", data.path])
                #expect(notDead.status == 64)
                #expect(notDead.stderr.contains("no dead message has id \(pending)"), "\(notDead.stderr)")
                let neither = try await CommandRun(["outbox", "retry", "--data-dir", data.path])
                #expect(neither.status == 64)
                #expect(neither.stderr.contains("give either a message id or --all-dead"), "\(neither.stderr)")

                let rest = try await CommandRun(["outbox", "retry", "--all-dead", "--data-dir", data.path])
                #expect(rest.status == 0, "\(rest.stderr)")
                #expect(rest.stdout == "1 dead message is pending again.\n", "\(rest.stdout)")
                try await eventually("the last dead message sent") { try await store.entry(id: dead2)?.status == .sent }

                let waitingStill = try #require(try await store.entry(id: pending))
                #expect(waitingStill.status == .pending && waitingStill.attempts == 1, "--all-dead leaves pending messages alone")
                let recipients = try smtp.messages().map { $0.rcpt_tos ?? [] }.sorted { $0.description < $1.description }
                #expect(recipients == [["closed-1@example.com"], ["closed-2@example.com"], ["inbox@example.com"]], "one email each")
                await store.close()
                #expect(server.terminate() == 0, "\(server.standardError)")
            }
        }
    }
}
