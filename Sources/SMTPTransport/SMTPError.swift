import MailKit

/// Something the SMTP transport could not do: read its configuration, reach the server,
/// agree on TLS or authentication, or get a message accepted.
///
/// The ``message`` says what went wrong and what to do about it, and quotes the server's reply
/// when there was one; it never contains a password. ``isTransient`` tells whether trying again
/// later can help; ``mailTransportError`` is the form the outbox understands.
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidConfiguration
            case connectionFailed
            case connectionClosed
            case timeout
            case tlsHandshakeFailed
            case certificateUntrusted
            case tlsUnavailable
            case authenticationUnavailable
            case authenticationFailed
            case replyRejected
            case recipientsRefused
            case messageTooLarge
            case messageUnsendable
            case protocolViolation
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The SMTP URL or one of its companion settings is wrong; found at start-up.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The TCP connection could not be made (refused, unreachable, name not found).
        public static let connectionFailed = Code(.connectionFailed)
        /// The server closed the connection, or it broke, in the middle of a conversation.
        public static let connectionClosed = Code(.connectionClosed)
        /// The server did not answer, or did not take our data, within the RFC 5321 time limit.
        public static let timeout = Code(.timeout)
        /// The TLS handshake failed for a reason other than the certificate.
        public static let tlsHandshakeFailed = Code(.tlsHandshakeFailed)
        /// The server's certificate is not trusted or does not name the host.
        public static let certificateUntrusted = Code(.certificateUntrusted)
        /// TLS is required but the server does not offer STARTTLS.
        public static let tlsUnavailable = Code(.tlsUnavailable)
        /// Credentials are configured but the server offers no usable AUTH mechanism over this connection.
        public static let authenticationUnavailable = Code(.authenticationUnavailable)
        /// The server refused the credentials.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The server answered a command with a 4xx or 5xx reply.
        public static let replyRejected = Code(.replyRejected)
        /// The server refused every recipient of the message.
        public static let recipientsRefused = Code(.recipientsRefused)
        /// The message is larger than the server's advertised SIZE.
        public static let messageTooLarge = Code(.messageTooLarge)
        /// The message or an address cannot be sent as it is (8-bit data the server cannot take,
        /// a line longer than RFC 5321 allows, an address with characters SMTP cannot carry).
        public static let messageUnsendable = Code(.messageUnsendable)
        /// The server answered something that is not an SMTP reply, or out of turn.
        public static let protocolViolation = Code(.protocolViolation)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// What went wrong, for a person: what the server said and what to check.
    public let message: String
    /// Whether trying again later can help (4xx replies, lost connections, timeouts).
    public let isTransient: Bool

    public init(_ code: Code, _ message: String, isTransient: Bool) {
        self.code = code
        self.message = message
        self.isTransient = isTransient
    }

    public var description: String { message }

    /// The error as the outbox sees it: transient errors are retried, permanent ones dead-lettered.
    public var mailTransportError: MailTransportError {
        isTransient ? .transient(message) : .permanent(message)
    }

    static func invalidConfiguration(_ message: String) -> SMTPError {
        SMTPError(.invalidConfiguration, message, isTransient: false)
    }

    /// An error for a 4xx or 5xx `reply`: transient for 4xx, permanent otherwise.
    static func rejected(_ what: String, _ reply: SMTPReply) -> SMTPError {
        rejected(.replyRejected, what, reply)
    }

    /// An error of kind `code` for a 4xx or 5xx `reply`, with what to do about it.
    static func rejected(_ code: Code, _ what: String, _ reply: SMTPReply, advice: String? = nil) -> SMTPError {
        var message = "\(what): \(reply.summary)"
        if let advice {
            message += "; " + advice
        }
        return SMTPError(code, message, isTransient: reply.isTransientFailure)
    }
}
