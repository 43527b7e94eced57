import Foundation
import Logging
import Outbox
import PostgresOutbox
import SMSRelayLambdaApp

/// Opens the outbox the settings name: SQLite in the data folder, or the PostgreSQL database
/// several relays share (``RelaySettings/databaseURL``).
enum OutboxOpener {
    /// The server's outbox, created when it is missing. A SQLite outbox belongs to this server
    /// alone (it holds the data folder's lock), so the claims an earlier run left are given back
    /// at once; a shared one's wait for their lease.
    static func openForServer(_ settings: RelaySettings, logger: Logger) async throws -> any OutboxStore {
        if let url = settings.databaseURL {
            return try await PostgresOutboxStore.open(url, logger: postgresLogger(logger))
        }
        return try SQLiteOutboxStore(path: settings.outboxPath, releasingClaims: true)
    }

    /// An outbox that exists already, for the commands beside a server (`outbox`, `reply`).
    /// - Parameter missing: the error when the SQLite outbox has not been created yet.
    static func openExisting(_ settings: RelaySettings, logger: Logger, missing: (String) -> any Error) async throws -> any OutboxStore {
        if let url = settings.databaseURL {
            return try await PostgresOutboxStore.open(url, logger: postgresLogger(logger))
        }
        guard FileManager.default.fileExists(atPath: settings.outboxPath) else { throw missing(settings.outboxPath) }
        return try SQLiteOutboxStore(path: settings.outboxPath)
    }

    /// PostgresNIO's own lines (connections made and lost) one level quieter than ours.
    private static func postgresLogger(_ logger: Logger) -> Logger {
        var logger = logger
        logger[metadataKey: "component"] = "postgres"
        if logger.logLevel < .notice { logger.logLevel = .notice }
        return logger
    }
}

extension RelaySettings {
    /// Where the SQLite outbox is, when no database URL is set.
    public var outboxPath: String { dataDirectory.appendingPathComponent(RelayAssembly.outboxFileName).path }

    /// The outbox for logs and `config check`: the file, or the database URL without its password.
    public var outboxSummary: String {
        databaseURL.map { "PostgreSQL \($0)" } ?? "SQLite \(outboxPath)"
    }
}
