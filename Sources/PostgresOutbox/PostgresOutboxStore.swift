import Foundation
import Logging
import Outbox
import PostgresNIO
import SMSRelayCore

/// The outbox in a PostgreSQL database that several relays share.
///
/// Every method returns once its statement is committed. An inbound message is stored once per
/// (carrier, message id) whichever relay the carrier reached; workers on every relay take due
/// rows with ``claim(_:now:limit:lease:owner:)`` (`FOR UPDATE SKIP LOCKED`, with a lease), so no
/// two send the same message and a dead relay's claims return to the pool when their lease ends.
public final class PostgresOutboxStore: OutboxStore {
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let logger: Logger
    /// How long one operation may take, waiting for a connection included, before it fails (and
    /// the callback waiting on it is answered 503, for the carrier to retry).
    public let operationTimeout: Duration

    private init(client: PostgresClient, running: Task<Void, Never>, logger: Logger, operationTimeout: Duration) {
        self.client = client
        self.running = running
        self.logger = logger
        self.operationTimeout = operationTimeout
    }

    /// Connects to the database at `url` and brings its schema up to date.
    /// - Parameters:
    ///   - maximumConnections: the size of the connection pool.
    ///   - startupTimeout: how long the first connection and the migration may take before
    ///     opening fails (a database that is down, a firewall that drops packets).
    ///   - operationTimeout: how long each later operation may take.
    public static func open(
        _ url: DatabaseURL, logger: Logger, maximumConnections: Int = 10, startupTimeout: Duration = .seconds(30),
        operationTimeout: Duration = .seconds(10)
    ) async throws -> PostgresOutboxStore {
        // One connection first, for the schema: a database that refuses (a wrong password, a
        // certificate not trusted, pg_hba.conf) says why now, where the pool would retry quietly.
        do {
            let settings = try PostgresConnectionSettings.connectionConfiguration(url)
            let applied = try await withDeadline(startupTimeout) {
                let connection = try await PostgresConnection.connect(configuration: settings, id: 0, logger: logger)
                do {
                    let applied = try await PostgresSchema.migrate(connection, logger: logger)
                    try? await connection.close()
                    return applied
                } catch {
                    try? await connection.close()
                    throw error
                }
            }
            if !applied.isEmpty {
                logger.info("outbox schema migrated", metadata: ["versions": "\(applied)", "database": "\(url)"])
            }
        } catch {
            throw OutboxError.cannotOpen(path: url.description, reason: PostgresErrorText.describe(error))
        }
        let configuration: PostgresClient.Configuration
        do {
            configuration = try PostgresConnectionSettings.poolConfiguration(url, maximumConnections: maximumConnections)
        } catch {
            throw OutboxError.cannotOpen(path: url.description, reason: "\(error)")
        }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let running = Task { await client.run() }
        return PostgresOutboxStore(
            client: client, running: running, logger: logger, operationTimeout: operationTimeout)
    }

    public func close() async {
        running.cancel()
        await running.value
    }

    // MARK: - Writing

    public func enqueue(_ item: OutboxItem, now: Date) async throws -> EnqueueResult {
        let row = try OutboxRowCoding.storage(of: item)
        let payload = String(decoding: row.payload, as: UTF8.self)
        let t = now.timeIntervalSince1970
        let inserted: [Int64]
        if let conversation = OutboxRowCoding.conversationKey(of: item) {
            // One statement, so one round trip and one commit: the conversation's counter goes up
            // unless the message is already stored, and the row takes the new count. The counter's
            // row lock makes concurrent texts of a conversation take turns. Two relays storing the
            // same retried callback at the same instant may both count it (one row is kept): the
            // thread then turns over a text early, which is harmless.
            inserted = try await ids(
                """
                WITH counted AS (
                  INSERT INTO smsrelay_conversation (key, messages)
                  SELECT \(conversation), 1
                  WHERE NOT EXISTS (SELECT 1 FROM smsrelay_message WHERE carrier = \(row.carrier) AND carrier_message_id = \(row.key))
                  ON CONFLICT (key) DO UPDATE SET messages = smsrelay_conversation.messages + 1
                  RETURNING messages)
                INSERT INTO smsrelay_message
                  (kind, carrier, carrier_message_id, payload, status, attempts, next_attempt_at, created_at, updated_at,
                   pending_since, conversation_position)
                SELECT \(row.kind.rawValue), \(row.carrier), \(row.key), \(payload), 'pending', 0, \(t), \(t), \(t), \(t),
                  (SELECT messages FROM counted)
                ON CONFLICT (carrier, carrier_message_id) DO NOTHING
                RETURNING id
                """)
        } else {
            inserted = try await ids(
                """
                INSERT INTO smsrelay_message
                  (kind, carrier, carrier_message_id, payload, status, attempts, next_attempt_at, created_at, updated_at, pending_since)
                VALUES (\(row.kind.rawValue), \(row.carrier), \(row.key), \(payload), 'pending', 0, \(t), \(t), \(t), \(t))
                ON CONFLICT (carrier, carrier_message_id) DO NOTHING
                RETURNING id
                """)
        }
        if let id = inserted.first { return .stored(id: id) }
        let found = try await ids(
            "SELECT id FROM smsrelay_message WHERE carrier = \(row.carrier) AND carrier_message_id = \(row.key)")
        guard let id = found.first else {
            throw OutboxError.inconsistent("\(row.kind.rawValue) row \(row.key) neither inserted nor found")
        }
        return .duplicate(id: id)
    }

    public func record(_ receipt: DeliveryReceipt, now: Date) async throws -> Bool {
        let inserted = try await ids(
            """
            INSERT INTO smsrelay_receipt (carrier, message_id, status, status_code, status_description, timestamp, received_at)
            VALUES (\(receipt.carrier), \(receipt.messageID), \(receipt.status), \(receipt.statusCode),
                    \(receipt.statusDescription), \(receipt.timestamp.timeIntervalSince1970), \(now.timeIntervalSince1970))
            ON CONFLICT (carrier, message_id, status, timestamp) DO NOTHING
            RETURNING id
            """)
        return !inserted.isEmpty
    }

    public func claim(_ kinds: Set<OutboxKind>, now: Date, limit: Int, lease: TimeInterval, owner: String) async throws -> [OutboxEntry] {
        let t = now.timeIntervalSince1970
        let entries = try await entries(
            """
            UPDATE smsrelay_message SET claimed_until = \(t + lease), claimed_by = \(owner)
            WHERE id IN (
              SELECT id FROM smsrelay_message
              WHERE status = 'pending' AND kind = ANY(\(Self.names(kinds))) AND next_attempt_at <= \(t)
                AND (claimed_until IS NULL OR claimed_until <= \(t) OR claimed_by = \(owner))
              ORDER BY next_attempt_at, id
              LIMIT \(limit)
              FOR UPDATE SKIP LOCKED)
            RETURNING *
            """)
        // RETURNING keeps no order: oldest first, as `due` lists them.
        return entries.sorted { ($0.nextAttemptAt ?? .distantPast, $0.id) < ($1.nextAttemptAt ?? .distantPast, $1.id) }
    }

    public func release(ids: [Int64], owner: String) async throws {
        guard !ids.isEmpty else { return }
        try await execute(
            """
            UPDATE smsrelay_message SET claimed_until = NULL, claimed_by = NULL
            WHERE claimed_by = \(owner) AND id = ANY(\(ids))
            """)
    }

    public func renew(ids: [Int64], owner: String, now: Date, lease: TimeInterval) async throws {
        guard !ids.isEmpty else { return }
        try await execute(
            """
            UPDATE smsrelay_message SET claimed_until = \(now.timeIntervalSince1970 + lease)
            WHERE claimed_by = \(owner) AND status = 'pending' AND id = ANY(\(ids))
            """)
    }

    public func markSent(id: Int64, receipt: SentReceipt, now: Date) async throws {
        let failed = receipt.rejectedRecipients.isEmpty ? nil : try OutboxRowCoding.encodeRecipients(receipt.rejectedRecipients)
        let t = now.timeIntervalSince1970
        try await execute(
            """
            UPDATE smsrelay_message SET status = 'sent', attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL,
              transport_message_id = \(receipt.transportMessageID), failed_recipients = \(failed), sent_at = \(t), updated_at = \(t),
              claimed_until = NULL, claimed_by = NULL
            WHERE id = \(id)
            """)
    }

    public func markFailed(id: Int64, error: String, retryAt: Date?, now: Date) async throws {
        let status = retryAt == nil ? OutboxStatus.dead.rawValue : OutboxStatus.pending.rawValue
        try await execute(
            """
            UPDATE smsrelay_message SET status = \(status), attempts = attempts + 1, next_attempt_at = \(retryAt?.timeIntervalSince1970),
              last_error = \(error), updated_at = \(now.timeIntervalSince1970), claimed_until = NULL, claimed_by = NULL
            WHERE id = \(id)
            """)
    }

    public func postpone(id: Int64, reason: String, until retryAt: Date, now: Date) async throws {
        try await execute(
            """
            UPDATE smsrelay_message SET next_attempt_at = \(retryAt.timeIntervalSince1970), last_error = \(reason),
              updated_at = \(now.timeIntervalSince1970), claimed_until = NULL, claimed_by = NULL
            WHERE id = \(id) AND status = 'pending'
            """)
    }

    public func recordMedia(id: Int64, progress: [MediaProgress], nextAttemptAt: Date, now: Date) async throws {
        let json = try OutboxRowCoding.encodeMedia(progress)
        try await execute(
            """
            UPDATE smsrelay_message SET media = \(json), next_attempt_at = \(nextAttemptAt.timeIntervalSince1970),
              updated_at = \(now.timeIntervalSince1970), claimed_until = NULL, claimed_by = NULL
            WHERE id = \(id) AND status = 'pending'
            """)
    }

    public func retry(id: Int64, now: Date) async throws -> Bool {
        try await revive(id: id, now: now) == 1
    }

    public func retryAllDead(now: Date) async throws -> Int {
        try await revive(id: nil, now: now)
    }

    // MARK: - Reading

    public func due(_ kinds: Set<OutboxKind>, now: Date, limit: Int) async throws -> [OutboxEntry] {
        let t = now.timeIntervalSince1970
        return try await entries(
            """
            SELECT * FROM smsrelay_message
            WHERE status = 'pending' AND kind = ANY(\(Self.names(kinds))) AND next_attempt_at <= \(t)
              AND (claimed_until IS NULL OR claimed_until <= \(t))
            ORDER BY next_attempt_at, id
            LIMIT \(limit)
            """)
    }

    public func nextDueDate(_ kinds: Set<OutboxKind>) async throws -> Date? {
        let seconds = try await rows(
            """
            SELECT MIN(GREATEST(next_attempt_at, COALESCE(claimed_until, 0))) FROM smsrelay_message
            WHERE status = 'pending' AND kind = ANY(\(Self.names(kinds)))
            """
        ) { try $0.decode(Double?.self) }
        return seconds.first?.map(Date.init(timeIntervalSince1970:))
    }

    public func mediaInUse(_ hashes: Set<String>, excluding id: Int64) async throws -> Set<String> {
        guard !hashes.isEmpty else { return [] }
        let media = try await rows(
            "SELECT media FROM smsrelay_message WHERE status <> 'sent' AND id <> \(id) AND media IS NOT NULL"
        ) { try $0.decode(String.self) }
        return media.reduce(into: Set<String>()) { $0.formUnion(OutboxRowCoding.hashes(in: $1, among: hashes)) }
    }

    public func list(_ kinds: Set<OutboxKind>, status: OutboxStatus?, limit: Int) async throws -> [OutboxEntry] {
        if let status {
            return try await entries(
                """
                SELECT * FROM smsrelay_message WHERE status = \(status.rawValue) AND kind = ANY(\(Self.names(kinds)))
                ORDER BY id DESC LIMIT \(limit)
                """)
        }
        return try await entries(
            "SELECT * FROM smsrelay_message WHERE kind = ANY(\(Self.names(kinds))) ORDER BY id DESC LIMIT \(limit)")
    }

    public func reply(transportMessageID: String) async throws -> OutboxEntry? {
        try await entries(
            """
            SELECT * FROM smsrelay_message WHERE kind = \(OutboxKind.reply.rawValue) AND transport_message_id = \(transportMessageID)
            ORDER BY id LIMIT 1
            """
        ).first
    }

    public func conversationKeys(ourNumber: String) async throws -> [String] {
        let prefix = ourNumber + ":"
        return try await rows(
            "SELECT key FROM smsrelay_conversation WHERE starts_with(key, \(prefix)) ORDER BY key"
        ) { row in try row.decode(String.self) }
    }

    public func receipts(messageID: String) async throws -> [DeliveryReceipt] {
        try await rows(
            """
            SELECT carrier, message_id, status, status_code, status_description, timestamp FROM smsrelay_receipt
            WHERE message_id = \(messageID) ORDER BY timestamp, id
            """
        ) { row in
            let (carrier, messageID, status, code, description, timestamp) = try row.decode(
                (String, String, String, String?, String?, Double).self)
            return DeliveryReceipt(
                carrier: carrier, messageID: messageID, status: status, statusCode: code, statusDescription: description,
                timestamp: Date(timeIntervalSince1970: timestamp))
        }
    }

    public func entry(id: Int64) async throws -> OutboxEntry? {
        try await entries("SELECT * FROM smsrelay_message WHERE id = \(id)").first
    }

    public func hourlyVolume(since: Date) async throws -> [HourlyVolume] {
        let start = since.timeIntervalSince1970
        return try await rows(
            """
            SELECT kind, FLOOR((created_at - \(start)) / 3600)::bigint AS hour, COUNT(*) FROM smsrelay_message
            WHERE created_at >= \(start) GROUP BY kind, hour ORDER BY hour, kind
            """
        ) { row in
            let (kind, hour, count) = try row.decode((String, Int, Int).self)
            return OutboxKind(rawValue: kind).map { HourlyVolume(kind: $0, hour: hour, count: count) }
        }.compactMap { $0 }
    }

    public func counts() async throws -> OutboxCounts {
        var counts = OutboxCounts()
        let statuses = try await rows("SELECT status, COUNT(*) FROM smsrelay_message GROUP BY status") {
            try $0.decode((String, Int).self)
        }
        for (status, n) in statuses {
            switch OutboxStatus(rawValue: status) {
            case .pending: counts.pending = n
            case .sent: counts.sent = n
            case .dead: counts.dead = n
            case nil: break
            }
        }
        counts.receipts = try await rows("SELECT COUNT(*) FROM smsrelay_receipt") { try $0.decode(Int.self) }.first ?? 0
        counts.oldestPendingSince = try await rows("SELECT MIN(pending_since) FROM smsrelay_message WHERE status = 'pending'") {
            try $0.decode(Double?.self)
        }.first.flatMap { $0 }.map(Date.init(timeIntervalSince1970:))
        return counts
    }

    // MARK: - Rows

    /// Makes dead rows pending again (the one with `id`, or all when nil), in one transaction;
    /// returns how many.
    private func revive(id: Int64?, now: Date) async throws -> Int {
        var selectBinds = PostgresBindings()
        var updateBinds = PostgresBindings()
        updateBinds.append(now.timeIntervalSince1970)
        var selectFilter = "TRUE"
        var updateFilter = "TRUE"
        if let id {
            selectBinds.append(id)
            updateBinds.append(id)
            selectFilter = "id = $1"
            updateFilter = "id = $2"
        }
        let client = self.client
        let logger = self.logger
        let select = PostgresQuery(
            unsafeSQL: "SELECT id, media FROM smsrelay_message WHERE status = 'dead' AND media IS NOT NULL AND \(selectFilter) FOR UPDATE",
            binds: selectBinds)
        let update = PostgresQuery(
            unsafeSQL: """
                UPDATE smsrelay_message SET status = 'pending', attempts = 0, next_attempt_at = $1, updated_at = $1,
                  pending_since = $1, claimed_until = NULL, claimed_by = NULL
                WHERE status = 'dead' AND \(updateFilter)
                RETURNING id
                """,
            binds: updateBinds)
        return try await guarded {
            try await client.withTransaction(logger: logger) { connection in
                // Media that could not be downloaded get another try, from their first attempt.
                let withMedia = try await connection.query(select, logger: logger)
                var updates: [(Int64, String)] = []
                for try await (id, json) in withMedia.decode((Int64, String).self) {
                    if let revived = try OutboxRowCoding.revivedMedia(json) { updates.append((id, revived)) }
                }
                for (id, json) in updates {
                    try await connection.query("UPDATE smsrelay_message SET media = \(json) WHERE id = \(id)", logger: logger)
                }
                let revived = try await connection.query(update, logger: logger)
                var count = 0
                for try await _ in revived.decode(Int64.self) { count += 1 }
                return count
            }
        }
    }

    private static func names(_ kinds: Set<OutboxKind>) -> [String] {
        kinds.map(\.rawValue).sorted()
    }

    private func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query) { _ in () }
    }

    private func ids(_ query: PostgresQuery) async throws -> [Int64] {
        try await rows(query) { try $0.decode(Int64.self) }
    }

    private func entries(_ query: PostgresQuery) async throws -> [OutboxEntry] {
        try await rows(query) { try OutboxRowCoding.entry(from: Self.row($0.makeRandomAccess())) }
    }

    /// Runs `query` and reads each row it returns, within ``operationTimeout``.
    private func rows<T: Sendable>(_ query: PostgresQuery, _ read: @escaping @Sendable (PostgresRow) throws -> T) async throws -> [T] {
        let client = self.client
        let logger = self.logger
        return try await guarded {
            var values: [T] = []
            for try await row in try await client.query(query, logger: logger) {
                values.append(try read(row))
            }
            return values
        }
    }

    /// Runs `body` within ``operationTimeout``; a failure of the database becomes an
    /// ``OutboxError`` that says what happened in PostgreSQL's words.
    private func guarded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await withDeadline(operationTimeout, body)
        } catch let error as OutboxError {
            throw error
        } catch {
            throw OutboxError.unavailable(PostgresErrorText.describe(error))
        }
    }

    private static func row(_ cells: PostgresRandomAccessRow) throws -> OutboxRow {
        OutboxRow(
            id: try cells["id"].decode(Int64.self),
            kind: try cells["kind"].decode(String.self),
            payload: Data(try cells["payload"].decode(String.self).utf8),
            status: try cells["status"].decode(String.self),
            attempts: try cells["attempts"].decode(Int.self),
            nextAttemptAt: try cells["next_attempt_at"].decode(Double?.self),
            lastError: try cells["last_error"].decode(String?.self),
            transportMessageID: try cells["transport_message_id"].decode(String?.self),
            failedRecipients: try cells["failed_recipients"].decode(String?.self),
            createdAt: try cells["created_at"].decode(Double.self),
            pendingSince: try cells["pending_since"].decode(Double?.self),
            updatedAt: try cells["updated_at"].decode(Double.self),
            sentAt: try cells["sent_at"].decode(Double?.self),
            media: try cells["media"].decode(String?.self),
            conversationPosition: try cells["conversation_position"].decode(Int?.self))
    }
}
