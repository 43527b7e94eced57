import Foundation
import Logging
import Outbox
import PostgresOutbox
import Testing
import TestSupport

/// The stores the outbox contract runs against: each test of ``OutboxContract`` runs once on a
/// fresh SQLite file and once on a fresh database of the suite's private PostgreSQL cluster.
enum OutboxBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    func withStore(_ body: (any OutboxStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await withTemporaryDirectory { dir in
                try await body(try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path))
            }
        case .postgres:
            let store = try await Self.openPostgres()
            do {
                try await body(store)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }

    /// A store on a new database of the current cluster.
    static func openPostgres(database: String? = nil) async throws -> PostgresOutboxStore {
        let cluster = try #require(PostgresTestCluster.current, "the suite runs with .postgresCluster")
        let name: String
        if let database { name = database } else { name = try await cluster.makeDatabase() }
        return try await PostgresOutboxStore.open(
            try DatabaseURL(parsing: cluster.url(database: name)), logger: Logger(label: "test.outbox"))
    }
}

/// What every ``OutboxStore`` promises, whichever database holds it. One PostgreSQL cluster
/// serves all the suites nested here.
@Suite("Outbox contract", .postgresCluster)
struct OutboxContract {}
