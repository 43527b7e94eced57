import Foundation
import Logging
import PostgresNIO

/// The outbox's tables in PostgreSQL, created and brought up to date when a relay starts.
///
/// Each migration runs once, in order, recorded in `smsrelay_migrations`. Relays that start at
/// the same moment take turns: the whole migration runs in one transaction holding an advisory
/// lock, so the second finds the work done. A database migrated by a newer relay is refused
/// rather than written in a shape this one does not know.
enum PostgresSchema {
    struct Migration {
        var version: Int
        var name: String
        var statements: [String]
    }

    /// A database migrated by a newer relay.
    struct NewerSchema: Error, CustomStringConvertible {
        var found: Int
        var known: Int
        var description: String {
            "its outbox schema is version \(found), newer than this relay's \(known): a newer smsrelay migrated it; "
                + "run that version (or a later one) here too"
        }
    }

    /// The key of the advisory lock the migration holds ("smsrelay" in ASCII, as a number).
    static let lockKey: Int64 = 0x736d_7372_656c_6179

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "messages, receipts and claims",
            statements: [
                // Times are seconds since 1970 (UTC) in double precision, as the SQLite outbox
                // keeps them: the same instants read back exactly.
                """
                CREATE TABLE smsrelay_message (
                  id bigserial PRIMARY KEY,
                  kind text NOT NULL,
                  carrier text NOT NULL,
                  carrier_message_id text NOT NULL,
                  payload text NOT NULL,
                  status text NOT NULL,
                  attempts integer NOT NULL DEFAULT 0,
                  next_attempt_at double precision,
                  last_error text,
                  transport_message_id text,
                  failed_recipients text,
                  media text,
                  created_at double precision NOT NULL,
                  updated_at double precision NOT NULL,
                  pending_since double precision NOT NULL,
                  sent_at double precision,
                  claimed_until double precision,
                  claimed_by text,
                  UNIQUE (carrier, carrier_message_id)
                )
                """,
                "CREATE INDEX smsrelay_message_due ON smsrelay_message (status, kind, next_attempt_at)",
                "CREATE INDEX smsrelay_message_transport_id ON smsrelay_message (transport_message_id)",
                """
                CREATE TABLE smsrelay_receipt (
                  id bigserial PRIMARY KEY,
                  carrier text NOT NULL,
                  message_id text NOT NULL,
                  status text NOT NULL,
                  status_code text,
                  status_description text,
                  timestamp double precision NOT NULL,
                  received_at double precision NOT NULL,
                  UNIQUE (carrier, message_id, status, timestamp)
                )
                """,
                "CREATE INDEX smsrelay_receipt_message ON smsrelay_receipt (message_id)",
            ]),
        Migration(
            version: 2, name: "texts counted per conversation",
            statements: [
                // How many inbound texts each conversation (Conversation.key) has had, and which of
                // them a message is: its email threads by it. NULL for rows stored before.
                "CREATE TABLE smsrelay_conversation (key text PRIMARY KEY, messages integer NOT NULL)",
                "ALTER TABLE smsrelay_message ADD COLUMN conversation_position integer",
            ]),
    ]

    /// Brings the schema up to date; returns the versions this call applied.
    @discardableResult
    static func migrate(_ connection: PostgresConnection, logger: Logger, now: Date = Date()) async throws -> [Int] {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS smsrelay_migrations (
                  version integer PRIMARY KEY, name text NOT NULL, applied_at double precision NOT NULL)
                """,
                logger: logger)
            var current = 0
            for try await version in try await connection.query(
                "SELECT COALESCE(MAX(version), 0) FROM smsrelay_migrations", logger: logger
            ).decode(Int.self) {
                current = version
            }
            let known = migrations.last?.version ?? 0
            guard current <= known else {
                throw NewerSchema(found: current, known: known)
            }
            var applied: [Int] = []
            for migration in migrations where migration.version > current {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    """
                    INSERT INTO smsrelay_migrations (version, name, applied_at)
                    VALUES (\(migration.version), \(migration.name), \(now.timeIntervalSince1970))
                    """,
                    logger: logger)
                applied.append(migration.version)
            }
            return applied
        }
    }
}
