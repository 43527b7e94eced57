/// What each command does where the conversation is (RFC 5321 §4.1.4 for the order of commands).
extension SMTPServerStateMachine {
    mutating func handle(_ line: String) {
        switch SMTPServerCommand.parse(line) {
        case .unrecognised: refuse(.unrecognised)
        case .syntaxError(let text): refuse(.syntax(text))
        case .command(let command): handle(command)
        }
    }

    private mutating func handle(_ command: SMTPServerCommand) {
        switch command {
        case .hello(let domain, let extended): hello(domain, extended: extended)
        case .mail(let path, let parameters): mail(path, parameters)
        case .recipient(let path, let parameters): recipient(path, parameters)
        case .data: data()
        case .reset:
            if phase != .awaitingHello { phase = .ready }
            emit(.ok)
        case .noop: emit(.ok)
        case .quit: close(with: .goodbye(settings.hostname))
        case .verify: emit(.cannotVerify)
        case .help: emit(.help)
        case .startTLS: startTLS()
        case .auth: refuse(.noAuthentication)
        case .notImplemented: refuse(.notImplemented)
        }
    }

    /// EHLO and HELO may come at any time and end any transaction (RFC 5321 §4.1.4).
    private mutating func hello(_ domain: String, extended: Bool) {
        session.heloName = domain
        phase = .ready
        guard extended else {
            emit(.hello(settings.hostname, client: domain))
            return
        }
        var extensions = ["SIZE \(settings.maximumMessageSize)", "8BITMIME", "PIPELINING", "ENHANCEDSTATUSCODES", "SMTPUTF8"]
        if settings.offersTLS, !session.isTLS {
            extensions.append("STARTTLS")
        }
        emit(.extended(settings.hostname, client: domain, extensions: extensions))
    }

    private mutating func mail(_ sender: String, _ parameters: [SMTPParameter]) {
        switch phase {
        case .awaitingHello: return refuse(.badSequence("Send EHLO or HELO first"))
        case .transaction: return refuse(.badSequence("Nested MAIL command"))
        default: break
        }
        var utf8 = false
        for parameter in parameters {
            switch (parameter.keyword, parameter.value) {
            case ("SIZE", let value?):
                guard value.utf8.allSatisfy({ (48...57).contains($0) }), let size = Int(value) else {
                    return refuse(.syntax("SIZE must be a number of octets"))
                }
                guard size <= settings.maximumMessageSize else { return emit(.messageTooLarge) }
            case ("BODY", let value?):
                guard ["7BIT", "8BITMIME"].contains(value.uppercased()) else {
                    return refuse(.syntax("BODY must be 7BIT or 8BITMIME"))
                }
            case ("SMTPUTF8", nil):
                utf8 = true
            case ("SIZE", nil), ("BODY", nil), ("SMTPUTF8", _?):
                return refuse(.syntax("Bad \(parameter.keyword) parameter"))
            default:
                return emit(.unknownParameter)
            }
        }
        guard utf8 || sender.allSatisfy(\.isASCII) else { return emit(.needsSMTPUTF8) }
        phase = .transaction(Transaction(sender: sender, utf8: utf8))
        emit(.senderOK)
    }

    private mutating func recipient(_ address: String, _ parameters: [SMTPParameter]) {
        guard case .transaction(let transaction) = phase else {
            return refuse(.badSequence(phase == .awaitingHello ? "Send EHLO or HELO first" : "Need MAIL before RCPT"))
        }
        guard parameters.isEmpty else { return emit(.unknownParameter) }
        guard transaction.utf8 || address.allSatisfy(\.isASCII) else { return emit(.needsSMTPUTF8) }
        guard transaction.recipients.count < settings.maximumRecipients else { return emit(.tooManyRecipients) }
        waiting = .recipient(address)
        output.append(.checkRecipient(address, session))
    }

    private mutating func data() {
        guard case .transaction(let transaction) = phase else {
            return refuse(.badSequence(phase == .awaitingHello ? "Send EHLO or HELO first" : "Need MAIL before DATA"))
        }
        guard !transaction.recipients.isEmpty else {
            // The transaction stays: a client may add recipients and send DATA again.
            return emit(.noValidRecipients)
        }
        phase = .data(transaction, SMTPDataReader(maximumSize: settings.maximumMessageSize))
        emit(.startData)
    }

    /// RFC 3207: after EHLO, outside a transaction, once; whatever the client sent after the
    /// command is dropped, and the session starts over over TLS.
    private mutating func startTLS() {
        guard settings.offersTLS else { return refuse(.noTLS) }
        guard !session.isTLS else { return refuse(.badSequence("TLS already active")) }
        switch phase {
        case .awaitingHello: return refuse(.badSequence("Send EHLO first"))
        case .transaction: return refuse(.badSequence("STARTTLS is not allowed during a mail transaction"))
        default: break
        }
        emit(.readyForTLS)
        output.append(.startTLS)
        waiting = .tlsHandshake
        input.discardAll()
    }
}
