import Foundation
import Logging
import Outbox
import PostgresOutbox
import Testing
import TestSupport

@Suite("PostgreSQL database URLs")
struct DatabaseURLTests {
    @Test("a full URL reads as libpq reads it, the password percent-decoded and never shown")
    func full() throws {
        let url = try DatabaseURL(
            parsing: "postgresql://relay%40eu:p%3Ass%2Fw%40rd@db.example.com:6543/sms%20relay?sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=3&application_name=edge")
        #expect(url.host == "db.example.com")
        #expect(url.port == 6543)
        #expect(url.user == "relay@eu")
        #expect(url.password == "p:ss/w@rd")
        #expect(url.database == "sms relay")
        #expect(url.sslMode == .verifyFull)
        #expect(url.rootCertificatePath == "/etc/ca.pem")
        #expect(url.connectTimeout == .seconds(3))
        #expect(url.applicationName == "edge")
        #expect(!url.description.contains("p:ss") && !url.description.contains("p%3Ass"))
        #expect(url.description == "postgres://relay@eu@db.example.com:6543/sms relay?sslmode=verify-full&sslrootcert=/etc/ca.pem")
    }

    @Test("defaults: port 5432, the user's database, sslmode=prefer")
    func defaults() throws {
        let url = try DatabaseURL(parsing: "postgres://relay@[::1]")
        #expect(url.host == "::1")
        #expect(url.port == 5432)
        #expect(url.database == "relay")
        #expect(url.password == nil)
        #expect(url.sslMode == .prefer)
        #expect(url.description == "postgres://relay@[::1]:5432/relay?sslmode=prefer")
    }

    @Test("what cannot be used is refused in words that name it, never with the password", arguments: [
        ("mysql://u:hunter2@h/db", "expected postgres://"),
        ("postgres://u:hunter2@/db", "names no host"),
        ("postgres://:hunter2@h/db", "names no user"),
        ("postgres://u:hunter2@h/db?sslmode=verify", "sslmode=verify"),
        ("postgres://u:hunter2@h/db?sslmod=require", "the parameter sslmod"),
        ("postgres://u:hunter2@h/db?connect_timeout=0", "connect_timeout=0"),
        ("not a url at all", "is not a URL"),
    ])
    func refused(_ text: String, _ expected: String) {
        #expect {
            try DatabaseURL(parsing: text)
        } throws: { error in
            let said = "\(error)"
            return said.contains(expected) && !said.contains("hunter2")
        }
    }
}

extension OutboxContract {
    @Suite("PostgreSQL: schema and connections")
    struct PostgresStoreTests {
        static func url(_ database: String, _ query: String) throws -> DatabaseURL {
            let cluster = try #require(PostgresTestCluster.current)
            return try DatabaseURL(parsing: cluster.url(database: database, query: query))
        }

        static let logger = Logger(label: "test.postgres")

        @Test("relays starting at once migrate the schema once")
        func concurrentMigration() async throws {
            let cluster = try #require(PostgresTestCluster.current)
            let database = try await cluster.makeDatabase()
            let url = try Self.url(database, "sslmode=require")
            let stores = try await withThrowingTaskGroup(of: PostgresOutboxStore.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await PostgresOutboxStore.open(url, logger: Self.logger) }
                }
                var stores: [PostgresOutboxStore] = []
                for try await store in group { stores.append(store) }
                return stores
            }
            #expect(stores.count == 6)
            for store in stores { await store.close() }
            #expect(try await cluster.psql("SELECT count(*) FROM smsrelay_migrations", database: database) == "2", "each of the two migrations once")
            // Opening again applies nothing and keeps what is there.
            let again = try await PostgresOutboxStore.open(url, logger: Self.logger)
            _ = try await again.enqueue(.sample("kept"), now: Date())
            await again.close()
            let reopened = try await PostgresOutboxStore.open(url, logger: Self.logger)
            #expect(try await reopened.list(status: .pending, limit: 10).map(\.message?.id) == ["kept"])
            await reopened.close()
        }

        @Test("a schema a newer relay migrated is refused, not written")
        func newerSchema() async throws {
            let cluster = try #require(PostgresTestCluster.current)
            let database = try await cluster.makeDatabase()
            let url = try Self.url(database, "sslmode=require")
            await (try PostgresOutboxStore.open(url, logger: Self.logger)).close()
            try await cluster.psql("INSERT INTO smsrelay_migrations VALUES (99, 'from the future', 0)", database: database)
            await #expect {
                try await PostgresOutboxStore.open(url, logger: Self.logger)
            } throws: { error in
                "\(error)".contains("schema is version 99, newer than this relay's 2")
            }
        }

        @Test("verify-full with the server's root certificate connects; without it the certificate is refused")
        func verifyFull() async throws {
            let cluster = try #require(PostgresTestCluster.current)
            let database = try await cluster.makeDatabase()
            let verified = try Self.url(database, "sslmode=verify-full&sslrootcert=\(cluster.rootCertificatePath)")
            let store = try await PostgresOutboxStore.open(verified, logger: Self.logger)
            #expect(try await store.counts() == OutboxCounts())
            await store.close()

            // The system's roots do not know the test cluster's self-signed certificate.
            let unverified = try Self.url(database, "sslmode=verify-full&connect_timeout=5")
            await #expect {
                try await PostgresOutboxStore.open(unverified, logger: Self.logger, startupTimeout: .seconds(20))
            } throws: { error in
                let said = "\(error)"
                return said.contains("cannot open the outbox database at postgres://smsrelay@127.0.0.1")
                    && said.lowercased().contains("certificate") && !said.contains(cluster.password)
            }
        }

        @Test("a database that goes away fails each operation within its time limit, in PostgreSQL's words")
        func databaseGone() async throws {
            let cluster = try #require(PostgresTestCluster.current)
            let database = try await cluster.makeDatabase()
            let store = try await PostgresOutboxStore.open(
                try Self.url(database, "sslmode=require"), logger: Self.logger, operationTimeout: .seconds(10))
            _ = try await store.enqueue(.sample("before"), now: Date())
            try await cluster.psql("DROP DATABASE \(database) WITH (FORCE)")
            await #expect {
                try await store.enqueue(.sample("after"), now: Date())
            } throws: { error in
                guard let error = error as? OutboxError, error.code == .unavailable else { return false }
                return error.description.contains("the outbox database cannot be used now")
            }
            await store.close()
        }

        @Test("a refused connection and a wrong password are clear errors that never show the password")
        func refusals() async throws {
            let cluster = try #require(PostgresTestCluster.current)
            let database = try await cluster.makeDatabase()
            // The cluster takes TLS connections only: its pg_hba.conf says why it refuses this one.
            await #expect {
                try await PostgresOutboxStore.open(try Self.url(database, "sslmode=disable"), logger: Self.logger)
            } throws: { error in
                let said = "\(error)"
                return said.contains("pg_hba.conf") && said.contains("no encryption") && !said.contains(cluster.password)
            }
            var wrong = try Self.url(database, "sslmode=require")
            wrong.password = "not-the-password"
            await #expect {
                try await PostgresOutboxStore.open(wrong, logger: Self.logger)
            } throws: { error in
                let said = "\(error)"
                return said.contains("password authentication failed") && !said.contains("not-the-password")
            }
        }
    }
}
