import Foundation
import Testing
import TestSupport

/// Several `smsrelay serve` processes on one PostgreSQL outbox, delivering to one aiosmtpd.
@Suite("Several relays sharing a PostgreSQL outbox", .postgresCluster)
struct SharedOutboxTests {
    static let token = "shared-outbox-token-0123456789"

    static func callback(_ n: Int) -> String {
        #"{"to": "12066418000", "body": "Shared outbox text \#(n)", "from": "18553569768", "id": "mdr2-shared-\#(n)"}"#
    }

    static func environment(_ cluster: PostgresTestCluster, database: String, smtpPort: Int, dataDir: URL) -> [String: String] {
        [
            "SMSRELAY_DATABASE_URL": cluster.url(
                database: database, query: "sslmode=verify-full&sslrootcert=\(cluster.rootCertificatePath)"),
            "SMSRELAY_WEBHOOK_TOKEN": token,
            "SMSRELAY_DATA_DIR": dataDir.path,
            "SMSRELAY_TRANSPORT": "smtp",
            "SMSRELAY_SMTP_URL": "smtp://127.0.0.1:\(smtpPort)?tls=none",
            "SMSRELAY_MAIL_FROM": "sms@example.org",
            "SMSRELAY_MAIL_TO": "me@example.com",
            "SMSRELAY_OUTBOX_LEASE_SECONDS": "10",
            "SMSRELAY_RETRY_BASE_SECONDS": "1",
        ]
    }

    @Test("three relays, each callback posted to two of them, one killed with -9 while it sends: every text is emailed exactly once, the dead relay's share by the others after its lease")
    func threeRelaysOneKilled() async throws {
        let cluster = try #require(PostgresTestCluster.current)
        let database = try await cluster.makeDatabase()
        // The first email's DATA is held until its sender is gone: that relay dies mid-send.
        try await SMTPTestServer.with(["--hang-first-data", "120"]) { smtp in
            try await withTemporaryDirectory { dir in
                // Started at once: their migrations take turns on the advisory lock.
                let relays = try await withThrowingTaskGroup(of: (Int, ServeProcess).self) { group in
                    for index in 0..<3 {
                        let environment = Self.environment(
                            cluster, database: database, smtpPort: smtp.port, dataDir: dir.appendingPathComponent("relay-\(index)"))
                        group.addTask { (index, try await ServeProcess(environment: environment)) }
                    }
                    var started: [Int: ServeProcess] = [:]
                    for try await (index, relay) in group { started[index] = relay }
                    return (0..<3).map { started[$0]! }
                }
                let migrations = try await cluster.psql("SELECT count(*) FROM smsrelay_migrations", database: database)
                #expect(migrations == "2", "two migrations, each applied once")

                let total = 24
                for n in 0..<total {
                    // Each callback twice, to two different relays, as a carrier retrying would.
                    for relay in [relays[n % 3], relays[(n + 1) % 3]] {
                        let status = try await relay.post(Self.callback(n))
                        #expect(status == 200, "callback \(n)")
                    }
                }
                #expect(try await cluster.psql("SELECT count(*) FROM smsrelay_message", database: database) == "\(total)")

                // The relay whose email hangs in DATA holds that message's claim: kill it.
                try await eventually("the first email in DATA") { try smtp.events().contains { $0.event == "data-hang" } }
                let hung = try #require(try smtp.events().first { $0.event == "data-hang" })
                let hungID = try #require(hung.message_id.flatMap(Self.carrierID(inMessageID:)))
                let holder = try await cluster.psql(
                    "SELECT claimed_by FROM smsrelay_message WHERE carrier_message_id = '\(hungID)'", database: database)
                let victim = try #require(relays.first { holder.contains(":\($0.process.processIdentifier):") }, "claimed by \(holder)")
                victim.kill()
                // Its claims, and until when they last: nobody may send these before.
                let held = try await cluster.psql(
                    """
                    SELECT string_agg(carrier_message_id || '=' || claimed_until, ',') FROM smsrelay_message
                    WHERE status = 'pending' AND claimed_by = '\(holder)'
                    """,
                    database: database)
                try await eventually("the server sees the killed relay go") { try smtp.events().contains { $0.event == "aborted" } }

                try await eventually(timeout: .seconds(120), "every text sent") {
                    try await cluster.psql("SELECT count(*) FROM smsrelay_message WHERE status = 'sent'", database: database) == "\(total)"
                }
                let ids = try smtp.messages().compactMap { $0.parsed?.message_id }
                #expect(ids.count == total, "one email per text: \(ids.count) for \(total)")
                #expect(Set(ids).count == total, "no text emailed twice")
                // What the dead relay held went out from the others, once its lease had ended.
                let claims = held.split(separator: ",").map { $0.split(separator: "=").map(String.init) }
                #expect(claims.contains { $0.first == hungID })
                for claim in claims {
                    let (id, until) = (claim[0], try #require(Double(claim[1])))
                    let sentAt = try #require(Double(try await cluster.psql(
                        "SELECT sent_at FROM smsrelay_message WHERE carrier_message_id = '\(id)'", database: database)))
                    #expect(sentAt >= until, "\(id) was sent only after the dead relay's lease ended")
                }
                for relay in relays where relay !== victim {
                    #expect(relay.terminate() == 0)
                }
            }
        }
    }

    @Test("smsrelay outbox lists and revives the shared outbox's dead messages; a relay delivers the revived one")
    func outboxCommands() async throws {
        let cluster = try #require(PostgresTestCluster.current)
        let database = try await cluster.makeDatabase()
        // The mail server refuses the first recipient for good: the message is dead.
        try await SMTPTestServer.with(["--fail-first-with", "550 5.1.1 no such user"]) { smtp in
            try await withTemporaryDirectory { dir in
                var environment = Self.environment(
                    cluster, database: database, smtpPort: smtp.port, dataDir: dir.appendingPathComponent("relay"))
                let relay = try await ServeProcess(environment: environment)
                #expect(try await relay.post(Self.callback(1)) == 200)
                try await eventually("the message dead") {
                    try await cluster.psql("SELECT status FROM smsrelay_message", database: database) == "dead"
                }
                // The commands read the same settings; their data folder need not exist.
                environment["SMSRELAY_DATA_DIR"] = dir.appendingPathComponent("elsewhere").path
                let listed = try await CommandRun(["outbox", "list", "--status", "dead"], environment: environment)
                #expect(listed.status == 0, "\(listed.stderr)")
                #expect(listed.stdout.contains("550 5.1.1 no such user"))
                #expect(!listed.stdout.contains(cluster.password) && !listed.stderr.contains(cluster.password))
                let id = try await cluster.psql("SELECT id FROM smsrelay_message", database: database)
                let retried = try await CommandRun(["outbox", "retry", id], environment: environment)
                #expect(retried.status == 0, "\(retried.stderr)")
                try await eventually("the revived message sent") {
                    try await cluster.psql("SELECT status FROM smsrelay_message", database: database) == "sent"
                }
                #expect(try smtp.messages().count == 1)
                #expect(relay.terminate() == 0)
            }
        }
    }

    /// `mdr2-shared-3` from `<smsrelay.flowroute.mdr2-shared-3@example.org>`.
    static func carrierID(inMessageID messageID: String) -> String? {
        guard let start = messageID.range(of: "smsrelay.flowroute."), let end = messageID.range(of: "@") else { return nil }
        return String(messageID[start.upperBound..<end.lowerBound])
    }
}
