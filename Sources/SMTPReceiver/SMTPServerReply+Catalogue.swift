/// The replies of the conversation, by what they answer. Codes after RFC 5321 §4.2–4.3; enhanced
/// codes after RFC 3463 and RFC 5248.
extension SMTPServerReply {
    static func greeting(_ hostname: String) -> SMTPServerReply {
        SMTPServerReply(220, nil, "\(hostname) ESMTP ready")
    }

    /// The client's name is echoed cut short, so the line stays within 512 octets.
    static func hello(_ hostname: String, client: String) -> SMTPServerReply {
        SMTPServerReply(250, nil, "\(hostname) greets \(client.prefix(200))")
    }

    static func extended(_ hostname: String, client: String, extensions: [String]) -> SMTPServerReply {
        SMTPServerReply(250, nil, ["\(hostname) greets \(client.prefix(200))"] + extensions)
    }

    static let ok = SMTPServerReply(250, "2.0.0", "OK")
    static let senderOK = SMTPServerReply(250, "2.1.0", "Sender OK")
    static let recipientOK = SMTPServerReply(250, "2.1.5", "Recipient OK")
    static let messageAccepted = SMTPServerReply(250, "2.0.0", "OK: message accepted")
    static let startData = SMTPServerReply(354, nil, "End data with <CR><LF>.<CR><LF>")
    static let readyForTLS = SMTPServerReply(220, "2.0.0", "Ready to start TLS")
    static let cannotVerify = SMTPServerReply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery")
    static let help = SMTPServerReply(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS")

    static func goodbye(_ hostname: String) -> SMTPServerReply {
        SMTPServerReply(221, "2.0.0", "\(hostname) closing connection")
    }

    // MARK: Closing the connection

    /// Why the server ends a session with `421` (RFC 5321 §3.8).
    enum ClosingReason: Sendable {
        case tooManyConnections, tooManyFromAddress, shuttingDown, timedOut, tooManyErrors, tooMuchPipelinedInput
    }

    static func closing(_ hostname: String, _ reason: ClosingReason) -> SMTPServerReply {
        let (enhanced, text): (String, String) = switch reason {
        case .tooManyConnections: ("4.3.2", "too many connections, try again later")
        case .tooManyFromAddress: ("4.7.0", "too many connections from your address, try again later")
        case .shuttingDown: ("4.3.2", "shutting down, try again later")
        case .timedOut: ("4.4.2", "timeout exceeded, closing connection")
        case .tooManyErrors: ("4.7.0", "too many errors, closing connection")
        case .tooMuchPipelinedInput: ("4.7.0", "too much pipelined input, closing connection")
        }
        return SMTPServerReply(421, enhanced, "\(hostname) \(text)")
    }

    // MARK: Refusals

    static let unrecognised = SMTPServerReply(500, "5.5.2", "Command not recognised")
    static let commandLineTooLong = SMTPServerReply(500, "5.5.2", "Line too long")
    static let messageLineTooLong = SMTPServerReply(500, "5.5.2", "Line too long: a message line has more than 1000 octets")
    static let notImplemented = SMTPServerReply(502, "5.5.1", "Command not implemented")
    static let noAuthentication = SMTPServerReply(502, "5.5.1", "AUTH not available: this server takes mail for its own addresses only")
    static let noTLS = SMTPServerReply(502, "5.5.1", "STARTTLS not available")

    static func syntax(_ text: String) -> SMTPServerReply {
        SMTPServerReply(501, "5.5.4", text)
    }

    static func badSequence(_ text: String) -> SMTPServerReply {
        SMTPServerReply(503, "5.5.1", text)
    }

    static let noValidRecipients = SMTPServerReply(554, "5.5.1", "No valid recipients")
    static let tooManyRecipients = SMTPServerReply(452, "4.5.3", "Too many recipients")
    static let unknownParameter = SMTPServerReply(555, "5.5.4", "Parameter not recognised or not implemented")
    static let needsSMTPUTF8 = SMTPServerReply(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter")
    static let messageTooLarge = SMTPServerReply(552, "5.3.4", "Message size exceeds fixed maximum message size")
}
