import Foundation
import SMSRelayCore

/// Where a message stands in the outbox.
public enum OutboxStatus: String, Sendable, Codable, CaseIterable {
    /// Stored and waiting for (another) delivery attempt.
    case pending
    /// Taken by the mail server.
    case sent
    /// Gave up: a permanent failure, or too many transient ones. `outbox retry` revives it.
    case dead
}

/// What an outbox row holds, and which way it goes.
public enum OutboxItem: Sendable, Equatable {
    /// A text received for one of our numbers, to be emailed.
    case inbound(InboundMessage)
    /// A reply by email, to be sent to the texter as an SMS.
    case reply(OutboundReply)
    /// A notice to the person who replied, to be emailed.
    case notice(ReplyNotice)

    /// How the outbox stores and lists the kind: `in`, `out` or `notice`.
    public var kind: OutboxKind {
        switch self {
        case .inbound: .inbound
        case .reply: .reply
        case .notice: .notice
        }
    }
}

/// The kinds of outbox rows. Each has its own space of keys: an inbound message is stored once
/// per (carrier, message id), a reply once per reply email, a notice once per event.
public enum OutboxKind: String, Sendable, CaseIterable {
    case inbound = "in"
    case reply = "out"
    case notice
}

/// One stored row and its delivery state.
public struct OutboxEntry: Sendable, Equatable {
    /// The outbox's own row id, used by `smsrelay outbox retry <id>`.
    public var id: Int64
    public var item: OutboxItem
    public var status: OutboxStatus
    /// Delivery attempts made so far.
    public var attempts: Int
    /// When the next attempt is due (pending messages only).
    public var nextAttemptAt: Date?
    /// The last failure, as the transport worded it.
    public var lastError: String?
    /// The transport's id for the delivered message (a file name, an SES MessageId).
    public var transportMessageID: String?
    /// Recipients the mail server refused while taking the message for others.
    public var failedRecipients: [String: String]
    public var createdAt: Date
    /// When the message became pending: stored, or revived by `outbox retry`. The retry horizon counts from here.
    public var pendingSince: Date
    public var updatedAt: Date
    public var sentAt: Date?
    /// The download progress of the message's media, one record per item; nil until the worker
    /// first looks at them (and always when fetching is off).
    public var media: [MediaProgress]?
    /// Which text of its conversation an inbound message is, counting from 1 in the order they
    /// were stored (a retried callback is not counted again); its email threads by it. Nil for
    /// replies and notices, and for messages stored before the outbox counted them.
    public var conversationPosition: Int?

    public init(
        id: Int64,
        item: OutboxItem,
        status: OutboxStatus,
        attempts: Int,
        nextAttemptAt: Date?,
        lastError: String?,
        transportMessageID: String?,
        failedRecipients: [String: String],
        createdAt: Date,
        pendingSince: Date? = nil,
        updatedAt: Date,
        sentAt: Date?,
        media: [MediaProgress]? = nil,
        conversationPosition: Int? = nil
    ) {
        self.id = id
        self.item = item
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.transportMessageID = transportMessageID
        self.failedRecipients = failedRecipients
        self.createdAt = createdAt
        self.pendingSince = pendingSince ?? createdAt
        self.updatedAt = updatedAt
        self.sentAt = sentAt
        self.media = media
        self.conversationPosition = conversationPosition
    }
}

extension OutboxEntry {
    /// The inbound message, for a row of that kind.
    public var message: InboundMessage? {
        if case .inbound(let message) = item { return message }
        return nil
    }

    /// The reply, for a row of that kind.
    public var reply: OutboundReply? {
        if case .reply(let reply) = item { return reply }
        return nil
    }

    /// The notice, for a row of that kind.
    public var notice: ReplyNotice? {
        if case .notice(let notice) = item { return notice }
        return nil
    }
}

/// What storing a callback's message did.
public enum EnqueueResult: Sendable, Equatable {
    /// A new row, to be delivered.
    case stored(id: Int64)
    /// The carrier sent this message before (a retried callback): nothing new was stored.
    case duplicate(id: Int64)

    public var id: Int64 {
        switch self {
        case .stored(let id), .duplicate(let id): id
        }
    }
}

/// How many messages are in each state, for `/healthz`.
public struct OutboxCounts: Sendable, Equatable, Codable {
    public var pending: Int
    public var sent: Int
    public var dead: Int
    public var receipts: Int
    /// When the longest-waiting pending message became pending (stored, or revived); nil when
    /// none is pending.
    public var oldestPendingSince: Date?

    public init(pending: Int = 0, sent: Int = 0, dead: Int = 0, receipts: Int = 0, oldestPendingSince: Date? = nil) {
        self.pending = pending
        self.sent = sent
        self.dead = dead
        self.receipts = receipts
        self.oldestPendingSince = oldestPendingSince
    }
}

/// What the mail system said when it took a message, as the outbox records it.
public struct SentReceipt: Sendable, Equatable {
    /// The mail system's id for the message (SES's MessageId, the SMTP server's queue id), if it gave one.
    public var transportMessageID: String?
    /// Recipients the mail server refused while it took the message for the others, with its reply.
    public var rejectedRecipients: [String: String]

    public init(transportMessageID: String? = nil, rejectedRecipients: [String: String] = [:]) {
        self.transportMessageID = transportMessageID
        self.rejectedRecipients = rejectedRecipients
    }
}
