/// The delegate's answer to a recipient or a message: take it, or refuse it with a reply.
public enum SMTPVerdict: Sendable, Equatable {
    case accept
    /// Refuse with this reply: a 4xx code asks the client to try again later, a 5xx code bounces.
    /// `enhanced` is the RFC 3463 code (`5.1.1`) and `text` a short human message on one line.
    case refuse(code: Int, enhanced: String, text: String)

    /// `451 4.3.0`: something on our side failed; the client keeps the message and tries again.
    public static func temporaryFailure(_ text: String) -> SMTPVerdict {
        .refuse(code: 451, enhanced: "4.3.0", text: text)
    }

    /// `554 5.6.0`: the message will never be taken as it is.
    public static func permanentFailure(_ text: String) -> SMTPVerdict {
        .refuse(code: 554, enhanced: "5.6.0", text: text)
    }

    /// `550 5.1.1`: nobody here has this address.
    public static func noSuchUser(_ text: String = "No such user here") -> SMTPVerdict {
        .refuse(code: 550, enhanced: "5.1.1", text: text)
    }
}

/// What is known of the client on a connection when the delegate is asked.
public struct SMTPSessionInfo: Sendable, Equatable {
    /// The client's IP address, as the socket gives it (`203.0.113.7`, `::1`).
    public var clientAddress: String
    /// The name the client gave in EHLO or HELO; unchecked, as the client chose it.
    public var heloName: String
    /// Whether the conversation is encrypted (after STARTTLS).
    public var isTLS: Bool

    public init(clientAddress: String, heloName: String, isTLS: Bool) {
        self.clientAddress = clientAddress
        self.heloName = heloName
        self.isTLS = isTLS
    }
}

/// The envelope of a message: who sent it and the recipients the delegate accepted.
public struct SMTPEnvelopeInfo: Sendable, Equatable {
    /// The MAIL FROM reverse-path without its angle brackets; empty for `<>` (a bounce).
    public var sender: String
    /// The accepted RCPT TO addresses, in order, each once.
    public var recipients: [String]

    public init(sender: String, recipients: [String]) {
        self.sender = sender
        self.recipients = recipients
    }
}
