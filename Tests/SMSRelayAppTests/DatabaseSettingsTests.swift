import Foundation
import SMSRelayApp
import Testing

@Suite("Settings of a shared PostgreSQL outbox")
struct DatabaseSettingsTests {
    static let url = "postgres://relay:hunter2-secret@db.example.com:5432/sms?sslmode=verify-full"
    static let token = "a-token-shared-by-every-relay"

    @Test("without a database URL the outbox is SQLite in the data folder, with the default lease")
    func sqliteByDefault() throws {
        let settings = try RelaySettings.load(flags: ["data_dir": "/srv/relay"], environment: [:])
        #expect(settings.databaseURL == nil)
        #expect(settings.outboxSummary == "SQLite /srv/relay/outbox.sqlite")
        #expect(settings.outboxLease == .seconds(120))
    }

    @Test("a database URL selects PostgreSQL; summaries and config check never show its password")
    func postgres() throws {
        let environment = [
            "SMSRELAY_DATABASE_URL": Self.url, "SMSRELAY_WEBHOOK_TOKEN": Self.token, "SMSRELAY_OUTBOX_LEASE_SECONDS": "45",
        ]
        let settings = try RelaySettings.load(environment: environment)
        #expect(settings.databaseURL?.host == "db.example.com")
        #expect(settings.outboxLease == .seconds(45))
        #expect(settings.outboxSummary == "PostgreSQL postgres://relay@db.example.com:5432/sms?sslmode=verify-full")
        let report = try ConfigCheck.run(flags: [:], environment: environment, mode: .serve)
        #expect(report.contains("outbox          PostgreSQL postgres://relay@db.example.com:5432/sms?sslmode=verify-full, shared: a worker's claim lasts 45s"))
        #expect(!report.contains("hunter2"))
    }

    @Test("relays sharing an outbox must share the token and the reply secret: neither is generated")
    func sharedSecretsRequired() {
        #expect {
            try RelaySettings.load(environment: ["SMSRELAY_DATABASE_URL": Self.url])
        } throws: { error in
            let said = "\(error)"
            return said.contains("SMSRELAY_DATABASE_URL is set") && said.contains("set SMSRELAY_WEBHOOK_TOKEN to the same value on every relay")
                && !said.contains("hunter2")
        }
        let replies = [
            "SMSRELAY_DATABASE_URL": Self.url, "SMSRELAY_WEBHOOK_TOKEN": Self.token, "SMSRELAY_REPLY_DOMAIN": "sms.example.com",
            "SMSRELAY_FLOWROUTE_ACCESS_KEY": "key", "SMSRELAY_FLOWROUTE_SECRET_KEY": "secret",
        ]
        #expect {
            try RelaySettings.load(environment: replies)
        } throws: { error in
            "\(error)".contains("set SMSRELAY_REPLY_SECRET to the same value on every relay")
        }
        var withSecret = replies
        withSecret["SMSRELAY_REPLY_SECRET"] = "a-reply-secret-shared-by-all"
        #expect(throws: Never.self) { try RelaySettings.load(environment: withSecret) }
    }

    @Test("a database URL that cannot be used, or a lease out of range, names the setting and hides the password")
    func refused() {
        #expect {
            try RelaySettings.load(environment: [
                "SMSRELAY_DATABASE_URL": "postgres://relay:hunter2-secret@db.example.com/sms?sslmode=maybe",
                "SMSRELAY_WEBHOOK_TOKEN": Self.token,
            ])
        } throws: { error in
            let said = "\(error)"
            return said.contains("SMSRELAY_DATABASE_URL") && said.contains("sslmode=maybe") && !said.contains("hunter2")
        }
        #expect {
            try RelaySettings.load(environment: ["SMSRELAY_OUTBOX_LEASE_SECONDS": "3"])
        } throws: { error in
            "\(error)".contains("SMSRELAY_OUTBOX_LEASE_SECONDS")
        }
    }
}
