import Foundation
import GRDB
import SMSRelayCore
#if canImport(Glibc)
import Glibc
private let closeDescriptor = Glibc.close
#elseif canImport(Darwin)
import Darwin
private let closeDescriptor = Darwin.close
#endif

/// The outbox in one SQLite file, in WAL mode with full synchronous commits.
///
/// Readers (the CLI, `/healthz`) never block the writer, and a commit has reached the disk
/// before any method returns. Writes that arrive while a commit is in flight share the next one
/// (``GroupCommit``): under load one fsync acknowledges many callbacks. The write-ahead log is
/// checkpointed every 1 000 pages (SQLite's default, about 4 MiB) and kept at most 8 MiB
/// (`journal_size_limit`): large enough that it is not cut back and grown again between
/// checkpoints, which would make every commit's sync write the file's size too. After a failed
/// write it is checkpointed and truncated, so that a volume that ran full recovers as soon as
/// space is freed.
public final class SQLiteOutboxStore: OutboxStore {
    private let pool: DatabasePool
    let commits: GroupCommit

    /// The write-ahead log is cut back to this size after a checkpoint.
    static let journalSizeLimit = 8 << 20
    /// Pages the write-ahead log holds before a commit checkpoints it.
    static let autoCheckpointPages = 1_000

    /// Opens (creating if needed) the outbox database at `path` and brings its schema up to date.
    /// - Parameters:
    ///   - busyTimeout: how long a write waits for a lock another connection holds.
    ///   - releasingClaims: gives back every claim at once: the caller is the only worker there is
    ///     (the server, holding its data folder's lock), so a claim left by an earlier run that
    ///     ended mid-delivery need not wait out its lease.
    public init(path: String, busyTimeout: TimeInterval = 10, releasingClaims: Bool = false) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA journal_size_limit = \(Self.journalSizeLimit)")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.autoCheckpointPages)")
        }
        // Created private (0600) before SQLite opens it, so that its -wal and -shm are too.
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { closeDescriptor(fd) }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            if releasingClaims {
                try pool.write { db in
                    try db.execute(sql: "UPDATE message SET claimedUntil = NULL, claimedBy = NULL WHERE claimedUntil IS NOT NULL")
                }
            }
        } catch {
            throw OutboxError.cannotOpen(path: path, reason: "\(error)")
        }
        commits = GroupCommit(pool: pool) { db in
            _ = try? db.checkpoint(.truncate)
        }
    }

    /// A write, committed together with the writes that arrive while a commit is in flight
    /// (``GroupCommit``); when anything in its batch fails (a full disk, a lock held too long), the
    /// log is checkpointed and truncated before the error goes up, giving back what space it can.
    private func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await commits.write(updates)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "message") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("carrier", .text).notNull()
                t.column("carrierMessageID", .text).notNull()
                t.column("payload", .blob).notNull()
                t.column("status", .text).notNull().indexed()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .double)
                t.column("lastError", .text)
                t.column("transportMessageID", .text)
                t.column("failedRecipients", .text)
                t.column("createdAt", .double).notNull()
                t.column("updatedAt", .double).notNull()
                t.column("sentAt", .double)
                t.uniqueKey(["carrier", "carrierMessageID"])
            }
            try db.create(index: "message_due", on: "message", columns: ["status", "nextAttemptAt"])
            try db.create(table: "receipt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("carrier", .text).notNull()
                t.column("messageID", .text).notNull()
                t.column("status", .text).notNull()
                t.column("statusCode", .text)
                t.column("statusDescription", .text)
                t.column("timestamp", .double).notNull()
                t.column("receivedAt", .double).notNull()
                t.uniqueKey(["carrier", "messageID", "status", "timestamp"])
            }
        }
        migrator.registerMigration("v2: retry horizon from pendingSince") { db in
            // When the message became pending: stored, or revived by `outbox retry`.
            try db.alter(table: "message") { t in
                t.add(column: "pendingSince", .double)
            }
            try db.execute(sql: "UPDATE message SET pendingSince = createdAt")
        }
        migrator.registerMigration("v3: media download progress") { db in
            // JSON: one MediaProgress per media item, in the message's order; NULL until first looked at.
            try db.alter(table: "message") { t in
                t.add(column: "media", .text)
            }
        }
        migrator.registerMigration("v4: replies and notices beside inbound messages") { db in
            // `in` (payload: InboundMessage), `out` (OutboundReply) or `notice` (ReplyNotice). A
            // reply's key is ('reply', its email's Message-ID), a notice's ('notice', its event).
            try db.alter(table: "message") { t in
                t.add(column: "kind", .text).notNull().defaults(to: OutboxKind.inbound.rawValue)
            }
            try db.create(index: "message_kind_due", on: "message", columns: ["status", "kind", "nextAttemptAt"])
            try db.create(index: "message_transport_id", on: "message", columns: ["transportMessageID"])
            try db.create(index: "receipt_message", on: "receipt", columns: ["messageID"])
        }
        migrator.registerMigration("v5: claims with a lease") { db in
            // The worker that took a pending row and until when; NULL when nobody holds it.
            try db.alter(table: "message") { t in
                t.add(column: "claimedUntil", .double)
                t.add(column: "claimedBy", .text)
            }
        }
        migrator.registerMigration("v6: texts counted per conversation") { db in
            // How many inbound texts each conversation (Conversation.key) has had, and which of
            // them a message is: its email threads by it. NULL for rows stored before.
            try db.create(table: "conversation") { t in
                t.primaryKey("key", .text)
                t.column("messages", .integer).notNull()
            }
            try db.alter(table: "message") { t in
                t.add(column: "conversationPosition", .integer)
            }
        }
        return migrator
    }

    /// Rows due at `now`, with no live claim, of the kinds in `filter`, oldest first.
    private static let dueCondition = "status = 'pending' AND nextAttemptAt <= ? AND (claimedUntil IS NULL OR claimedUntil <= ?)"

    /// What every recorded outcome sets beside its own columns.
    private static let unclaimed = "claimedUntil = NULL, claimedBy = NULL"

    /// `kind IN ('in', …)` and its arguments, for a set of kinds.
    private static func kindFilter(_ kinds: Set<OutboxKind>) -> (sql: String, arguments: StatementArguments) {
        let sorted = kinds.map(\.rawValue).sorted()
        guard !sorted.isEmpty else { return ("0", []) }
        return ("kind IN (" + sorted.map { _ in "?" }.joined(separator: ", ") + ")", StatementArguments(sorted))
    }

    public func enqueue(_ item: OutboxItem, now: Date) async throws -> EnqueueResult {
        let row = try OutboxRowCoding.storage(of: item)
        let conversation = OutboxRowCoding.conversationKey(of: item)
        return try await write { db in
            // Cached: every callback runs these, and compiling them each time cost more than running them.
            try db.cachedStatement(sql: """
                INSERT INTO message (kind, carrier, carrierMessageID, payload, status, attempts, nextAttemptAt, createdAt, updatedAt, pendingSince)
                VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)
                ON CONFLICT (carrier, carrierMessageID) DO NOTHING
                """).execute(arguments: [row.kind.rawValue, row.carrier, row.key, row.payload, now.timeIntervalSince1970,
                                         now.timeIntervalSince1970, now.timeIntervalSince1970, now.timeIntervalSince1970])
            if db.changesCount == 1 {
                let id = db.lastInsertedRowID
                if let conversation {
                    // In the same transaction as the row: counted once, whatever the carrier retries.
                    let position = try Int.fetchOne(
                        db.cachedStatement(sql: """
                            INSERT INTO conversation (key, messages) VALUES (?, 1)
                            ON CONFLICT (key) DO UPDATE SET messages = messages + 1
                            RETURNING messages
                            """),
                        arguments: [conversation])
                    try db.cachedStatement(sql: "UPDATE message SET conversationPosition = ? WHERE id = ?")
                        .execute(arguments: [position, id])
                }
                return .stored(id: id)
            }
            let id = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM message WHERE carrier = ? AND carrierMessageID = ?"),
                arguments: [row.carrier, row.key])
            guard let id else { throw OutboxError.inconsistent("\(row.kind.rawValue) row \(row.key) neither inserted nor found") }
            return .duplicate(id: id)
        }
    }

    public func record(_ receipt: DeliveryReceipt, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO receipt (carrier, messageID, status, statusCode, statusDescription, timestamp, receivedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (carrier, messageID, status, timestamp) DO NOTHING
                    """,
                arguments: [receipt.carrier, receipt.messageID, receipt.status, receipt.statusCode,
                            receipt.statusDescription, receipt.timestamp.timeIntervalSince1970,
                            now.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    public func due(_ kinds: Set<OutboxKind>, now: Date, limit: Int) async throws -> [OutboxEntry] {
        let filter = Self.kindFilter(kinds)
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM message WHERE \(Self.dueCondition) AND \(filter.sql) ORDER BY nextAttemptAt, id LIMIT ?",
                arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970] + filter.arguments + [limit]
            ).map(Self.entry(from:))
        }
    }

    public func claim(_ kinds: Set<OutboxKind>, now: Date, limit: Int, lease: TimeInterval, owner: String) async throws -> [OutboxEntry] {
        let filter = Self.kindFilter(kinds)
        let t = now.timeIntervalSince1970
        return try await write { db in
            // One writer at a time: what this transaction reads, nobody claims meanwhile.
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM message
                    WHERE status = 'pending' AND nextAttemptAt <= ? AND (claimedUntil IS NULL OR claimedUntil <= ? OR claimedBy = ?)
                      AND \(filter.sql)
                    ORDER BY nextAttemptAt, id LIMIT ?
                    """,
                arguments: [t, t, owner] + filter.arguments + [limit])
            let entries = try rows.map(Self.entry(from:))
            for entry in entries {
                try db.execute(
                    sql: "UPDATE message SET claimedUntil = ?, claimedBy = ? WHERE id = ?",
                    arguments: [t + lease, owner, entry.id])
            }
            return entries
        }
    }

    public func release(ids: [Int64], owner: String) async throws {
        guard !ids.isEmpty else { return }
        try await write { db in
            try db.execute(
                sql: "UPDATE message SET \(Self.unclaimed) WHERE claimedBy = ? AND id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))",
                arguments: StatementArguments([owner]) + StatementArguments(ids))
        }
    }

    public func renew(ids: [Int64], owner: String, now: Date, lease: TimeInterval) async throws {
        guard !ids.isEmpty else { return }
        var arguments: StatementArguments = [now.timeIntervalSince1970 + lease, owner]
        arguments += StatementArguments(ids)
        try await write { [arguments] db in
            try db.execute(
                sql: """
                    UPDATE message SET claimedUntil = ? WHERE claimedBy = ? AND status = 'pending'
                      AND id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))
                    """,
                arguments: arguments)
        }
    }

    public func nextDueDate(_ kinds: Set<OutboxKind>) async throws -> Date? {
        let filter = Self.kindFilter(kinds)
        return try await pool.read { db in
            try Double.fetchOne(
                db,
                sql: "SELECT MIN(MAX(nextAttemptAt, COALESCE(claimedUntil, 0))) FROM message WHERE status = 'pending' AND \(filter.sql)",
                arguments: filter.arguments
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    public func markSent(id: Int64, receipt: SentReceipt, now: Date) async throws {
        let failed = receipt.rejectedRecipients.isEmpty ? nil : try OutboxRowCoding.encodeRecipients(receipt.rejectedRecipients)
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE message SET status = 'sent', attempts = attempts + 1, nextAttemptAt = NULL, lastError = NULL,
                      transportMessageID = ?, failedRecipients = ?, sentAt = ?, updatedAt = ?, \(Self.unclaimed)
                    WHERE id = ?
                    """,
                arguments: [receipt.transportMessageID, failed, now.timeIntervalSince1970, now.timeIntervalSince1970, id])
        }
    }

    public func markFailed(id: Int64, error: String, retryAt: Date?, now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE message SET status = ?, attempts = attempts + 1, nextAttemptAt = ?, lastError = ?, updatedAt = ?, \(Self.unclaimed)
                    WHERE id = ?
                    """,
                arguments: [retryAt == nil ? OutboxStatus.dead.rawValue : OutboxStatus.pending.rawValue,
                            retryAt?.timeIntervalSince1970, error, now.timeIntervalSince1970, id])
        }
    }

    public func postpone(id: Int64, reason: String, until retryAt: Date, now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE message SET nextAttemptAt = ?, lastError = ?, updatedAt = ?, \(Self.unclaimed)
                    WHERE id = ? AND status = 'pending'
                    """,
                arguments: [retryAt.timeIntervalSince1970, reason, now.timeIntervalSince1970, id])
        }
    }

    public func recordMedia(id: Int64, progress: [MediaProgress], nextAttemptAt: Date, now: Date) async throws {
        let json = try OutboxRowCoding.encodeMedia(progress)
        try await write { db in
            try db.execute(
                sql: "UPDATE message SET media = ?, nextAttemptAt = ?, updatedAt = ?, \(Self.unclaimed) WHERE id = ? AND status = 'pending'",
                arguments: [json, nextAttemptAt.timeIntervalSince1970, now.timeIntervalSince1970, id])
        }
    }

    public func mediaInUse(_ hashes: Set<String>, excluding id: Int64) async throws -> Set<String> {
        guard !hashes.isEmpty else { return [] }
        return try await pool.read { db in
            let rows = try String.fetchAll(
                db, sql: "SELECT media FROM message WHERE status != 'sent' AND id != ? AND media IS NOT NULL",
                arguments: [id])
            var inUse: Set<String> = []
            for json in rows {
                inUse.formUnion(OutboxRowCoding.hashes(in: json, among: hashes))
            }
            return inUse
        }
    }

    public func list(_ kinds: Set<OutboxKind>, status: OutboxStatus?, limit: Int) async throws -> [OutboxEntry] {
        let filter = Self.kindFilter(kinds)
        return try await pool.read { db in
            let rows: [Row]
            if let status {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM message WHERE status = ? AND \(filter.sql) ORDER BY id DESC LIMIT ?",
                    arguments: [status.rawValue] + filter.arguments + [limit])
            } else {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM message WHERE \(filter.sql) ORDER BY id DESC LIMIT ?", arguments: filter.arguments + [limit])
            }
            return try rows.map(Self.entry(from:))
        }
    }

    public func reply(transportMessageID: String) async throws -> OutboxEntry? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM message WHERE kind = ? AND transportMessageID = ? ORDER BY id LIMIT 1",
                arguments: [OutboxKind.reply.rawValue, transportMessageID]
            ).map(Self.entry(from:))
        }
    }

    public func conversationKeys(ourNumber: String) async throws -> [String] {
        let prefix = ourNumber + ":"
        return try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT key FROM conversation WHERE substr(key, 1, ?) = ? ORDER BY key",
                arguments: [prefix.count, prefix])
        }
    }

    public func receipts(messageID: String) async throws -> [DeliveryReceipt] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM receipt WHERE messageID = ? ORDER BY timestamp, id", arguments: [messageID]
            ).map { row in
                DeliveryReceipt(
                    carrier: row["carrier"], messageID: row["messageID"], status: row["status"],
                    statusCode: row["statusCode"], statusDescription: row["statusDescription"],
                    timestamp: Date(timeIntervalSince1970: row["timestamp"]))
            }
        }
    }

    public func entry(id: Int64) async throws -> OutboxEntry? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM message WHERE id = ?", arguments: [id]).map(Self.entry(from:))
        }
    }

    public func retry(id: Int64, now: Date) async throws -> Bool {
        try await write { db in
            try Self.revive(db, where: "id = ?", arguments: [id], now: now) == 1
        }
    }

    public func retryAllDead(now: Date) async throws -> Int {
        try await write { db in
            try Self.revive(db, where: "1", arguments: [], now: now)
        }
    }

    public func hourlyVolume(since: Date) async throws -> [HourlyVolume] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, CAST((createdAt - ?) / 3600 AS INTEGER) AS hour, COUNT(*) AS n FROM message
                    WHERE createdAt >= ? GROUP BY kind, hour ORDER BY hour, kind
                    """,
                arguments: [since.timeIntervalSince1970, since.timeIntervalSince1970]
            ).compactMap { row in
                OutboxKind(rawValue: row["kind"]).map { HourlyVolume(kind: $0, hour: row["hour"], count: row["n"]) }
            }
        }
    }

    public func counts() async throws -> OutboxCounts {
        try await pool.read { db in
            var counts = OutboxCounts()
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM message GROUP BY status") {
                let n: Int = row["n"]
                switch OutboxStatus(rawValue: row["status"]) {
                case .pending: counts.pending = n
                case .sent: counts.sent = n
                case .dead: counts.dead = n
                case nil: break
                }
            }
            counts.receipts = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receipt") ?? 0
            counts.oldestPendingSince = try Double.fetchOne(db, sql: "SELECT MIN(pendingSince) FROM message WHERE status = 'pending'")
                .map(Date.init(timeIntervalSince1970:))
            return counts
        }
    }

    // MARK: - Rows

    private static func revive(_ db: Database, where condition: String, arguments: StatementArguments, now: Date) throws -> Int {
        let t = now.timeIntervalSince1970
        // Media that could not be downloaded get another try, from their first attempt.
        let withMedia = try Row.fetchAll(
            db, sql: "SELECT id, media FROM message WHERE status = 'dead' AND media IS NOT NULL AND \(condition)",
            arguments: arguments)
        for row in withMedia {
            guard let revived = try OutboxRowCoding.revivedMedia(row["media"]) else { continue }
            let id: Int64 = row["id"]
            try db.execute(sql: "UPDATE message SET media = ? WHERE id = ?", arguments: [revived, id])
        }
        try db.execute(
            sql: """
                UPDATE message SET status = 'pending', attempts = 0, nextAttemptAt = ?, updatedAt = ?, pendingSince = ?, \(Self.unclaimed)
                WHERE status = 'dead' AND \(condition)
                """,
            arguments: [t, t, t] + arguments)
        return db.changesCount
    }

    private static func entry(from row: Row) throws -> OutboxEntry {
        try OutboxRowCoding.entry(
            from: OutboxRow(
                id: row["id"], kind: row["kind"], payload: row["payload"], status: row["status"], attempts: row["attempts"],
                nextAttemptAt: row["nextAttemptAt"], lastError: row["lastError"], transportMessageID: row["transportMessageID"],
                failedRecipients: row["failedRecipients"], createdAt: row["createdAt"], pendingSince: row["pendingSince"],
                updatedAt: row["updatedAt"], sentAt: row["sentAt"], media: row["media"],
                conversationPosition: row["conversationPosition"]))
    }
}
