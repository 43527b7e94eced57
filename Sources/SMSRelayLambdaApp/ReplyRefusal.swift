import SMSRelayCore

/// Why a reply email is not sent as an SMS. `smsrelay reply` turns the kind into the exit status
/// an MTA understands (sysexits), and prints the message for its bounce.
public struct ReplyRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not an email, or too large to be a reply (EX_DATAERR).
        case unreadable
        /// Nothing new written in it, or too long to send (EX_DATAERR); the replier gets a notice.
        case content
        /// An automatic message: an auto-reply, a bounce (EX_DATAERR).
        case automatic
        /// Not addressed to a reply address of ours, or to one that was altered (EX_NOUSER).
        case noSuchAddress
        /// From someone who may not reply for that number, or failing the MTA's checks (EX_NOPERM).
        case notAllowed
        /// The relay cannot take it now: its settings or its outbox (EX_TEMPFAIL); the MTA retries.
        case temporary
    }

    public let kind: Kind
    public let message: String
    /// For a refusal of the content: the notice that tells the replier.
    public let notice: ReplyNotice?

    public init(_ kind: Kind, _ message: String, notice: ReplyNotice? = nil) {
        self.kind = kind
        self.message = message
        self.notice = notice
    }

    public var description: String { message }
}

/// What became of a reply email that was taken.
public struct ReplyAccepted: Sendable, Equatable {
    /// The outbox row of the reply.
    public var id: Int64
    /// False when the same email was taken before: nothing new was stored.
    public var isNew: Bool
    public var characters: Int
    /// SMS segments the text takes.
    public var segments: Int
}
