import Foundation
import SMSRelayCore

/// The durable store behind the intake and the delivery worker.
///
/// Every method returns only once its change is committed: the intake answers the carrier 2xx
/// after ``enqueue(_:now:)`` returns, never before.
public protocol OutboxStore: Sendable {
    /// Stores a row once per key: an inbound message per (carrier, message id), a reply per reply
    /// email, a notice per event. One seen before is not stored again.
    func enqueue(_ item: OutboxItem, now: Date) async throws -> EnqueueResult
    /// Records a delivery receipt once. Returns false when the same receipt was recorded before.
    func record(_ receipt: DeliveryReceipt, now: Date) async throws -> Bool
    /// Pending rows of the given kinds whose next attempt is due at `now` and that no worker has
    /// claimed, oldest first. Reads only: what a worker sends it takes with ``claim(_:now:limit:lease:owner:)``.
    func due(_ kinds: Set<OutboxKind>, now: Date, limit: Int) async throws -> [OutboxEntry]
    /// Takes up to `limit` of the rows ``due(_:now:limit:)`` would list and claims them for
    /// `owner` until `now + lease`: no other worker (of this relay or another sharing the store)
    /// is handed them until their outcome is recorded, the claim is released, or the lease ends
    /// (the worker that held it died). Rows `owner` itself still holds are handed to it again: a
    /// worker claims one batch at a time, so what it held before is not in its hands any more.
    func claim(_ kinds: Set<OutboxKind>, now: Date, limit: Int, lease: TimeInterval, owner: String) async throws -> [OutboxEntry]
    /// Gives back the claims `owner` holds on `ids`, without counting an attempt.
    func release(ids: [Int64], owner: String) async throws
    /// Extends the claims `owner` still holds on `ids` to `now + lease`, while it works on them (a
    /// slow mail server); a claim another worker has taken meanwhile stays theirs.
    func renew(ids: [Int64], owner: String, now: Date, lease: TimeInterval) async throws
    /// When the earliest pending row of the given kinds falls due (or its claim ends), or nil
    /// when none is pending.
    func nextDueDate(_ kinds: Set<OutboxKind>) async throws -> Date?
    /// Marks a message delivered. Recording an outcome (this, ``markFailed(id:error:retryAt:now:)``,
    /// ``postpone(id:reason:until:now:)``, ``recordMedia(id:progress:nextAttemptAt:now:)``) ends its claim.
    func markSent(id: Int64, receipt: SentReceipt, now: Date) async throws
    /// Records a failed attempt: the message stays pending until `retryAt`, or becomes dead when it is nil.
    func markFailed(id: Int64, error: String, retryAt: Date?, now: Date) async throws
    /// Moves a pending message's next attempt to `retryAt` without counting an attempt: the
    /// transport could not try it (a paused transport).
    func postpone(id: Int64, reason: String, until retryAt: Date, now: Date) async throws
    /// Records the download progress of a pending message's media and when the message is next
    /// due, without counting a delivery attempt.
    func recordMedia(id: Int64, progress: [MediaProgress], nextAttemptAt: Date, now: Date) async throws
    /// Which of `hashes` the media of a message other than `id` that is not yet sent still names:
    /// those downloaded files must stay when message `id`'s are removed.
    func mediaInUse(_ hashes: Set<String>, excluding id: Int64) async throws -> Set<String>
    /// Rows of the given kinds in a state (all when nil), newest first.
    func list(_ kinds: Set<OutboxKind>, status: OutboxStatus?, limit: Int) async throws -> [OutboxEntry]
    /// The sent reply Flowroute knows by `transportMessageID` (the id a delivery receipt names).
    func reply(transportMessageID: String) async throws -> OutboxEntry?
    /// The receipts recorded for the message the carrier knows by `messageID`, oldest first.
    func receipts(messageID: String) async throws -> [DeliveryReceipt]
    func entry(id: Int64) async throws -> OutboxEntry?
    /// Makes a dead message pending again, due now, with its attempt count reset and its media
    /// that could not be downloaded due for another try. Returns false if no dead message has that id.
    func retry(id: Int64, now: Date) async throws -> Bool
    /// Revives every dead message; returns how many.
    func retryAllDead(now: Date) async throws -> Int
    func counts() async throws -> OutboxCounts
    /// How many messages of each kind were stored in each hour since `since`: hour 0 is
    /// `since` to an hour after it. Hours without any are left out.
    func hourlyVolume(since: Date) async throws -> [HourlyVolume]
    /// The keys (``Conversation/key``) of the conversations of `ourNumber` (as
    /// ``Conversation/participantKey(_:)`` writes it) that have had a text: how a reply to a
    /// group finds its members.
    func conversationKeys(ourNumber: String) async throws -> [String]
    /// Closes the connections; the store is not used afterwards.
    func close() async
}

extension OutboxStore {
    /// Nothing to close (an embedded database closes with the process).
    public func close() async {}

    /// Stores a message once per (carrier, message id). A message seen before is not stored again.
    public func enqueue(_ message: InboundMessage, now: Date) async throws -> EnqueueResult {
        try await enqueue(.inbound(message), now: now)
    }

    /// Pending inbound messages due at `now`, oldest first.
    public func due(now: Date, limit: Int) async throws -> [OutboxEntry] {
        try await due([.inbound], now: now, limit: limit)
    }

    /// When the earliest pending inbound message falls due.
    public func nextDueDate() async throws -> Date? {
        try await nextDueDate([.inbound])
    }

    /// Rows of every kind in a state (all when nil), newest first.
    public func list(status: OutboxStatus?, limit: Int) async throws -> [OutboxEntry] {
        try await list(Set(OutboxKind.allCases), status: status, limit: limit)
    }
}

/// Messages of one kind stored in one hour (``OutboxStore/hourlyVolume(since:)``).
public struct HourlyVolume: Sendable, Equatable, Hashable {
    public var kind: OutboxKind
    /// Whole hours after the start of the period.
    public var hour: Int
    public var count: Int

    public init(kind: OutboxKind, hour: Int, count: Int) {
        self.kind = kind
        self.hour = hour
        self.count = count
    }
}
