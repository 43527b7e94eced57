import Foundation

/// A reply a user wrote by email to a relayed text, to be sent back to the texter as an SMS.
///
/// It is stored once per reply email (``replyMessageID``), so an email delivered twice sends one SMS.
public struct OutboundReply: Sendable, Codable, Equatable {
    /// The carrier that sends it, e.g. `flowroute`.
    public var carrier: String
    /// Our number, which received the text and sends the reply (E.164 digits without `+`).
    public var from: String
    /// The texter's number, which the reply goes to; for a group, its first member.
    public var to: String
    /// For a reply to a group, its other members, which the reply goes to as well through the
    /// carrier's group send; nil for a reply to one texter.
    public var groupRecipients: [String]?
    /// The new text of the reply, quotes and signature removed.
    public var body: String
    /// The address the reply email came from: failures and confirmations are emailed back to it.
    public var replier: String
    /// The reply email's Message-ID (without angle brackets), or a digest of its bytes when it had
    /// none: what makes a second delivery of the same email a duplicate.
    public var replyMessageID: String
    /// The reply email's subject, for the notices that answer it.
    public var subject: String?
    /// When the reply email was taken.
    public var receivedAt: Date

    public init(
        carrier: String = "flowroute", from: String, to: String, body: String, replier: String,
        replyMessageID: String, subject: String? = nil, receivedAt: Date
    ) {
        self.carrier = carrier
        self.from = from
        self.to = to
        self.body = body
        self.replier = replier
        self.replyMessageID = replyMessageID
        self.subject = subject
        self.receivedAt = receivedAt
    }

    /// Everyone the reply goes to: the texter, and for a group its other members.
    public var recipients: [String] { [to] + (groupRecipients ?? []) }

    /// The first line of the text, at most 80 characters, for notices and listings.
    public var firstLine: String {
        ReplyNotice.firstLine(of: body)
    }
}

/// A short email that tells the person who replied what became of their reply.
public struct ReplyNotice: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// The reply was refused before it was stored (too long, no text).
        case refused
        /// The SMS could not be sent: a permanent refusal, or retries ran out.
        case notSent = "not_sent"
        /// The carrier's delivery receipt says the SMS did not reach the phone.
        case undelivered
        /// The SMS was sent (only with `SMSRELAY_REPLY_CONFIRM`).
        case sent
    }

    public var kind: Kind
    /// Who is told: the reply's sender.
    public var replier: String
    /// Our number the reply was for.
    public var ourNumber: String
    /// The texter's number the reply was for.
    public var texterNumber: String
    /// The first line of the reply's text (may be empty).
    public var firstLine: String
    /// What went wrong, or what happened, in one sentence.
    public var reason: String
    /// The reply email's Message-ID, for In-Reply-To, so the notice threads with the reply.
    public var replyMessageID: String
    /// The reply email's subject, for the notice's own.
    public var subject: String?
    /// Unique per event: what makes a notice that is stored twice one email.
    public var key: String
    /// The carrier of the reply, for the notice's own reply address; nil in notices stored
    /// before carriers were recorded (Flowroute).
    public var carrier: String?
    /// Whether the reply was to a group: the notice then has no reply address of its own (an
    /// answer to it would reach one member alone).
    public var isGroup: Bool?

    public init(
        kind: Kind, replier: String, ourNumber: String, texterNumber: String, firstLine: String, reason: String,
        replyMessageID: String, subject: String? = nil, key: String, carrier: String? = nil
    ) {
        self.kind = kind
        self.replier = replier
        self.ourNumber = ourNumber
        self.texterNumber = texterNumber
        self.firstLine = firstLine
        self.reason = reason
        self.replyMessageID = replyMessageID
        self.subject = subject
        self.key = key
        self.carrier = carrier
    }

    /// A notice about a stored reply: its numbers, replier and first line.
    public init(_ kind: Kind, about reply: OutboundReply, reason: String, key: String) {
        self.init(
            kind: kind, replier: reply.replier, ourNumber: reply.from, texterNumber: reply.to, firstLine: reply.firstLine,
            reason: reason, replyMessageID: reply.replyMessageID, subject: reply.subject, key: key, carrier: reply.carrier)
        isGroup = reply.groupRecipients == nil ? nil : true
    }

    /// `text` ending as a sentence does: with `.`, `!` or `?`, a full stop added where it has none.
    public static func sentence(_ text: String) -> String {
        text.last.map { ".!?".contains($0) } == true ? text : text + "."
    }

    /// The first non-blank line of `text`, cut to 80 characters with `…`.
    public static func firstLine(of text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingBlanks() }
            .first { !$0.isEmpty } ?? ""
        return line.count > 80 ? String(line.prefix(79)) + "…" : line
    }
}
