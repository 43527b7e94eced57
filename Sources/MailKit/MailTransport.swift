/// What a transport reports once the mail server has taken a message.
public struct MailReceipt: Sendable, Equatable {
    /// The identifier the transport gave the message (a file name, an SES MessageId, an SMTP queue id).
    public var transportMessageID: String?
    /// Recipients the server refused while accepting the message for others, with its reply.
    public var rejectedRecipients: [String: String]
    /// What the mail system answered, for a person to read: the SMTP server's reply to the
    /// message (`250 2.0.0 Ok: queued as 4Xk9`), SES's answer, the maildir file's path.
    public var answer: String?

    public init(transportMessageID: String? = nil, rejectedRecipients: [String: String] = [:], answer: String? = nil) {
        self.transportMessageID = transportMessageID
        self.rejectedRecipients = rejectedRecipients
        self.answer = answer
    }
}

/// Why a transport could not deliver, and whether trying again can help.
public struct MailTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Try again later: a full disk, a 4xx reply, throttling, a lost connection.
        case transient
        /// Trying again will not help: a 5xx reply, a rejected sender, a message too large.
        case permanent
        /// The transport cannot send anything for a while, whatever the message: the server refused
        /// the credentials or its certificate failed verification. The message is not at fault and
        /// the attempt does not count against it; try again after ``retryAfter``.
        case suspended
    }

    public let kind: Kind
    public let message: String
    /// For ``Kind/suspended``: how long the transport will refuse to try.
    public let retryAfter: Duration?

    public init(_ kind: Kind, _ message: String, retryAfter: Duration? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    public static func transient(_ message: String) -> MailTransportError { .init(.transient, message) }
    public static func permanent(_ message: String) -> MailTransportError { .init(.permanent, message) }
    public static func suspended(_ message: String, retryAfter: Duration) -> MailTransportError {
        .init(.suspended, message, retryAfter: retryAfter)
    }

    public var description: String { message }
}

/// Something that hands a composed email to a mail system: maildir, SMTP, SES.
///
/// A transport throws ``MailTransportError`` to say whether the outbox should retry;
/// any other error is treated as transient.
public protocol MailTransport: Sendable {
    /// A short name for logs and metrics, e.g. `maildir`.
    var name: String { get }
    func send(_ email: Email) async throws -> MailReceipt
    /// Closes what the transport keeps open (an SMTP connection says QUIT). Called once, when the
    /// relay stops; the default does nothing.
    func shutdown() async
}

extension MailTransport {
    public func shutdown() async {}
}
