import Foundation

/// The client side of an SMTP conversation as a pure state machine: no I/O, no clock.
///
/// The session is set up once — greeting → EHLO (HELO after a 500/502) → [STARTTLS → EHLO] →
/// [AUTH PLAIN or LOGIN] — and then carries any number of transactions — [RSET] → MAIL FROM →
/// RCPT TO… → DATA → message — until QUIT. RSET is sent only after a transaction that did not
/// complete; a delivered message leaves the server with no transaction state to clear. With
/// PIPELINING, RSET, MAIL FROM, every RCPT TO and DATA go in one write and the replies are taken
/// in order.
///
/// The driver feeds in what happened (``start()``, ``receive(_:)``, ``tlsEstablished()``,
/// ``startTransaction(_:)``, ``quit()``) and does what the returned ``Action`` says. After `.send`,
/// `.readReply` and `.sendMessage` it reads one reply, waiting at most ``awaitedStep``'s time limit.
struct SMTPClientStateMachine {
    /// What the machine needs from the configuration.
    struct Settings: Sendable, Equatable {
        var heloName: String
        var tls: SMTPConfiguration.TLSMode
        var credentials: SMTPConfiguration.Credentials?
        var authMechanism: SMTPConfiguration.AuthMechanism?
        var hostIsLoopback: Bool
        /// Where the password came from, named when the server refuses it.
        var passwordSetting = "SMSRELAY_SMTP_URL"

        init(
            heloName: String = "client.example",
            tls: SMTPConfiguration.TLSMode = .required,
            credentials: SMTPConfiguration.Credentials? = nil,
            authMechanism: SMTPConfiguration.AuthMechanism? = nil,
            hostIsLoopback: Bool = false
        ) {
            self.heloName = heloName
            self.tls = tls
            self.credentials = credentials
            self.authMechanism = authMechanism
            self.hostIsLoopback = hostIsLoopback
        }

        /// - Parameter heloName: the name chosen for this connection (see ``SMTPHeloName``).
        init(_ configuration: SMTPConfiguration, heloName: String) {
            self.init(
                heloName: heloName,
                tls: configuration.tls,
                credentials: configuration.credentials,
                authMechanism: configuration.authMechanism,
                hostIsLoopback: configuration.isLoopback
            )
            if configuration.passwordFile != nil {
                passwordSetting = "SMSRELAY_SMTP_PASSWORD_FILE"
            }
        }
    }

    /// What to do with the connection after a failure.
    enum Disposition: Sendable, Equatable {
        /// The session is still good: the next message can use it (after RSET).
        case keep
        /// The session cannot go on, but the server is sane: call ``quit()``, then close.
        case quit
        /// Close the connection at once (421, a protocol violation).
        case drop
    }

    /// A message the server took.
    struct Delivery: Sendable, Equatable {
        var accepted: [String]
        /// Refused recipient → the server's reply, on one line.
        var rejected: [String: String]
        /// The reply to the end of the message, e.g. `250 2.0.0 Ok: queued as 4BQ1xH`.
        var reply: SMTPReply
    }

    enum Action: Sendable, Equatable {
        /// Write these commands in one go, then read a reply.
        case send([SMTPCommand])
        /// Read the next reply (the greeting, or the next one of a pipelined group).
        case readReply
        /// Put TLS on the connection, then call ``tlsEstablished()``.
        case startTLS
        /// Write the dot-stuffed message with its terminator, then read a reply.
        case sendMessage
        /// The session is set up; call ``startTransaction(_:)`` for each message.
        case sessionReady(SMTPCapabilities)
        /// The message was accepted; the session is ready for the next one.
        case delivered(Delivery)
        case failed(SMTPError, Disposition)
        /// QUIT was answered: close the connection.
        case closeConnection
    }

    private enum Phase: Equatable {
        case idle, settingUp, tlsHandshake, ready, transaction, closing, closed
    }

    private enum Expected: Equatable {
        case greeting, ehlo, helo, startTLS, authPlain, authLogin, authLoginUser, authLoginPassword
        case reset, mail, recipient(Int), data, messageEnd, emptyDataEnd, quit
    }

    private struct Transaction {
        var envelope: SMTPEnvelope
        var mailCommand: SMTPCommand
        var pipelined: Bool
        var resetFailure: SMTPReply?
        var mailFailure: SMTPReply?
        var accepted: [String] = []
        var rejected: [(address: String, reply: SMTPReply)] = []
    }

    let settings: Settings
    private(set) var capabilities: SMTPCapabilities = .none
    private(set) var isEncrypted: Bool
    private var phase: Phase = .idle
    private var expected: [Expected] = []
    private var transaction: Transaction?
    private var triedStartTLS = false
    private var needsReset = false

    init(settings: Settings) {
        self.settings = settings
        self.isEncrypted = settings.tls == .implicit
    }

    /// Whether a message can be sent now.
    var isReady: Bool { phase == .ready }

    /// Whether the last transaction started got past MAIL FROM (it stays set after the transaction
    /// ends). Until then a dead reused connection can be replaced and the message tried again.
    private(set) var mailAccepted = false

    /// The time limit that applies to the reply awaited now; `nil` when no reply is awaited.
    var awaitedStep: SMTPTimeouts.Step? {
        switch expected.first {
        case nil: nil
        case .greeting: .greeting
        case .ehlo, .helo, .startTLS, .authPlain, .authLogin, .authLoginUser, .authLoginPassword, .reset, .quit: .command
        case .mail: .mail
        case .recipient: .recipient
        case .data: .dataInitiation
        case .messageEnd, .emptyDataEnd: .dataTermination
        }
    }

    // MARK: - Inputs

    /// The connection is open (and, for `smtps://`, TLS is up): wait for the greeting.
    mutating func start() -> Action {
        precondition(phase == .idle, "start() called twice")
        phase = .settingUp
        expected = [.greeting]
        return .readReply
    }

    /// The TLS handshake after STARTTLS succeeded: say EHLO again (RFC 3207 §4.2).
    mutating func tlsEstablished() -> Action {
        guard phase == .tlsHandshake else {
            return fail(misuse("TLS was started outside STARTTLS"), .drop)
        }
        phase = .settingUp
        isEncrypted = true
        capabilities = .none
        return send([.ehlo(settings.heloName)], expecting: [.ehlo])
    }

    /// Begins sending a message. Checks what can be checked before the first command (size,
    /// 8-bit data, line length, addresses) and fails without touching the connection if it must.
    mutating func startTransaction(_ envelope: SMTPEnvelope) -> Action {
        guard phase == .ready, expected.isEmpty else {
            return .failed(misuse("a message was started while the session was not ready"), .drop)
        }
        if let problem = check(envelope) {
            return .failed(problem, .keep)
        }
        var parameters: [String] = []
        if capabilities.supports("SIZE") {
            parameters.append("SIZE=\(envelope.messageSize)")
        }
        if envelope.containsEightBitData {
            parameters.append("BODY=8BITMIME")
        }
        if !([envelope.sender] + envelope.recipients).allSatisfy({ $0.allSatisfy(\.isASCII) }) {
            parameters.append("SMTPUTF8")
        }
        let mail = SMTPCommand.mail(from: envelope.sender, parameters: parameters)
        let pipelined = capabilities.pipelining
        transaction = Transaction(envelope: envelope, mailCommand: mail, pipelined: pipelined)
        mailAccepted = false
        phase = .transaction

        var commands: [SMTPCommand] = []
        var replies: [Expected] = []
        if needsReset {
            commands.append(.reset)
            replies.append(.reset)
        }
        if pipelined {
            commands.append(mail)
            replies.append(.mail)
            for (index, recipient) in envelope.recipients.enumerated() {
                commands.append(.recipient(recipient))
                replies.append(.recipient(index))
            }
            commands.append(.data)
            replies.append(.data)
        } else if !needsReset {
            commands.append(mail)
            replies.append(.mail)
        }
        needsReset = false
        return send(commands, expecting: replies)
    }

    /// Ends the session politely: QUIT, then close once the server answers.
    mutating func quit() -> Action {
        guard phase != .closed, expected.isEmpty else {
            phase = .closed
            return .closeConnection
        }
        phase = .closing
        transaction = nil
        return send([.quit], expecting: [.quit])
    }

    /// Takes the next reply from the server.
    mutating func receive(_ reply: SMTPReply) -> Action {
        guard !expected.isEmpty else {
            return fail(protocolError("sent a reply (\(reply.summary)) when none was awaited"), .drop)
        }
        let awaited = expected.removeFirst()
        if reply.code == 421, awaited != .quit {
            // RFC 5321 §3.8: the server is closing the channel; nothing more will be answered.
            expected = []
            return fail(SMTPError(
                .connectionClosed,
                "SMTP server closed the session\(during(awaited)): \(reply.summary)",
                isTransient: true
            ), .drop)
        }
        switch awaited {
        case .greeting:
            return receiveGreeting(reply)
        case .ehlo:
            return receiveEHLO(reply)
        case .helo:
            return receiveHELO(reply)
        case .startTLS:
            return receiveStartTLS(reply)
        case .authPlain, .authLogin, .authLoginUser, .authLoginPassword:
            return receiveAuth(reply, step: awaited)
        case .reset, .mail, .recipient, .data, .messageEnd, .emptyDataEnd:
            return receiveInTransaction(reply, step: awaited)
        case .quit:
            phase = .closed
            return .closeConnection
        }
    }

    // MARK: - Session set-up

    private mutating func receiveGreeting(_ reply: SMTPReply) -> Action {
        if reply.isPositiveCompletion {
            return send([.ehlo(settings.heloName)], expecting: [.ehlo])
        }
        if reply.isPositiveIntermediate {
            return fail(unexpected(reply, "as its greeting"), .drop)
        }
        return fail(.rejected("SMTP server refused the connection", reply), .quit)
    }

    private mutating func receiveEHLO(_ reply: SMTPReply) -> Action {
        if reply.isPositiveCompletion {
            capabilities = SMTPCapabilities(ehloReply: reply)
            return afterHello()
        }
        if reply.code == 500 || reply.code == 502 {
            // An RFC 821 server that does not know EHLO (RFC 5321 §3.2).
            return send([.helo(settings.heloName)], expecting: [.helo])
        }
        if reply.isPositiveIntermediate {
            return fail(unexpected(reply, "to EHLO"), .drop)
        }
        return fail(.rejected("SMTP server refused EHLO", reply), .quit)
    }

    private mutating func receiveHELO(_ reply: SMTPReply) -> Action {
        if reply.isPositiveCompletion {
            capabilities = .none
            return afterHello()
        }
        if reply.isPositiveIntermediate {
            return fail(unexpected(reply, "to HELO"), .drop)
        }
        return fail(.rejected("SMTP server refused HELO", reply), .quit)
    }

    /// After EHLO or HELO: STARTTLS if wanted and offered, else authentication.
    private mutating func afterHello() -> Action {
        if !isEncrypted, !triedStartTLS, settings.tls == .required || settings.tls == .opportunistic {
            if capabilities.startTLS {
                triedStartTLS = true
                return send([.startTLS], expecting: [.startTLS])
            }
            if settings.tls == .required {
                return fail(SMTPError(
                    .tlsUnavailable,
                    "SMTP server does not offer STARTTLS, and SMSRELAY_SMTP_URL requires TLS (tls=required is the default for smtp://); use smtps:// if the server speaks TLS on its own port, or tls=none for a relay on localhost",
                    isTransient: false
                ), .quit)
            }
        }
        return authenticateOrFinish()
    }

    private mutating func receiveStartTLS(_ reply: SMTPReply) -> Action {
        if reply.isPositiveCompletion {
            phase = .tlsHandshake
            return .startTLS
        }
        if reply.isPositiveIntermediate {
            return fail(unexpected(reply, "to STARTTLS"), .drop)
        }
        if settings.tls == .opportunistic {
            return authenticateOrFinish()
        }
        return fail(.rejected(.tlsUnavailable, "SMTP server refused STARTTLS", reply), .quit)
    }

    private mutating func authenticateOrFinish() -> Action {
        guard let credentials = settings.credentials else {
            phase = .ready
            return .sessionReady(capabilities)
        }
        if !isEncrypted, !(settings.tls == .none && settings.hostIsLoopback) {
            return fail(SMTPError(
                .authenticationUnavailable,
                "the connection to the SMTP server is not encrypted (the server did not offer or refused STARTTLS), so the password is not sent; use tls=required or smtps://",
                isTransient: false
            ), .quit)
        }
        let offered = capabilities.authMechanisms
        guard !offered.isEmpty else {
            return fail(SMTPError(
                .authenticationUnavailable,
                "SMSRELAY_SMTP_URL has a user and password, but the SMTP server offers no AUTH on this connection; remove the credentials from the URL or enable authentication on the server",
                isTransient: false
            ), .quit)
        }
        let mechanism: SMTPConfiguration.AuthMechanism
        if let wanted = settings.authMechanism {
            guard offered.contains(wanted.rawValue) else {
                return fail(SMTPError(
                    .authenticationUnavailable,
                    "SMTP server does not offer AUTH \(wanted.rawValue) (it offers \(offered.sorted().joined(separator: " "))); change or remove auth= in SMSRELAY_SMTP_URL",
                    isTransient: false
                ), .quit)
            }
            mechanism = wanted
        } else if offered.contains("PLAIN") {
            mechanism = .plain
        } else if offered.contains("LOGIN") {
            mechanism = .login
        } else {
            return fail(SMTPError(
                .authenticationUnavailable,
                "SMTP server offers only AUTH \(offered.sorted().joined(separator: " ")), and this client speaks PLAIN and LOGIN; enable one of them on the server",
                isTransient: false
            ), .quit)
        }
        switch mechanism {
        case .plain:
            let response = Self.base64("\0\(credentials.user)\0\(credentials.password)")
            return send([.authPlain(initialResponse: response)], expecting: [.authPlain])
        case .login:
            return send([.authLogin], expecting: [.authLogin])
        }
    }

    private mutating func receiveAuth(_ reply: SMTPReply, step: Expected) -> Action {
        let mechanism = step == .authPlain ? "PLAIN" : "LOGIN"
        if reply.isTransientFailure || reply.isPermanentFailure {
            return fail(.rejected(
                .authenticationFailed,
                "SMTP server refused AUTH \(mechanism)",
                reply,
                advice: "check the user and password in \(settings.passwordSetting)"
            ), .quit)
        }
        let credentials = settings.credentials!
        switch (step, reply.isPositiveCompletion) {
        case (.authPlain, true), (.authLoginPassword, true):
            phase = .ready
            return .sessionReady(capabilities)
        case (.authLogin, false):
            return send([.authResponse(Self.base64(credentials.user))], expecting: [.authLoginUser])
        case (.authLoginUser, false):
            return send([.authResponse(Self.base64(credentials.password))], expecting: [.authLoginPassword])
        default:
            return fail(unexpected(reply, "during AUTH \(mechanism)"), .drop)
        }
    }

    // MARK: - Transactions

    private func check(_ envelope: SMTPEnvelope) -> SMTPError? {
        guard !envelope.recipients.isEmpty else {
            return SMTPError(.messageUnsendable, "the email has no recipient; check the route's recipients", isTransient: false)
        }
        for (index, address) in ([envelope.sender] + envelope.recipients).enumerated() {
            let forbidden = address.unicodeScalars.contains {
                $0.properties.generalCategory == .control || $0 == " " || $0 == "<" || $0 == ">"
            }
            // The sender may be empty (the null reverse-path); a recipient may not.
            if forbidden || (address.isEmpty && index > 0) {
                let shown = String(String.UnicodeScalarView(address.unicodeScalars.filter { $0.properties.generalCategory != .control }))
                return SMTPError(
                    .messageUnsendable,
                    "the address \"\(shown)\" cannot be sent over SMTP (it is empty or holds spaces, angle brackets or control characters)",
                    isTransient: false
                )
            }
            if !address.allSatisfy(\.isASCII), !capabilities.smtpUTF8 {
                return SMTPError(
                    .messageUnsendable,
                    "the address \"\(address)\" is not ASCII and the SMTP server does not offer SMTPUTF8; use an ASCII address",
                    isTransient: false
                )
            }
        }
        if envelope.longestLine > DotStuffing.maximumLineLength {
            return SMTPError(
                .messageUnsendable,
                "the message has a line of \(envelope.longestLine) octets; SMTP allows \(DotStuffing.maximumLineLength) (RFC 5321 §4.5.3.1.6)",
                isTransient: false
            )
        }
        if envelope.containsEightBitData, !capabilities.eightBitMIME {
            return SMTPError(
                .messageUnsendable,
                "the message holds 8-bit data and the SMTP server does not offer 8BITMIME",
                isTransient: false
            )
        }
        if let limit = capabilities.maximumSize, envelope.messageSize > limit {
            return SMTPError(
                .messageTooLarge,
                "the message is \(envelope.messageSize) octets and the SMTP server takes at most \(limit) (its SIZE); send smaller attachments",
                isTransient: false
            )
        }
        return nil
    }

    private mutating func receiveInTransaction(_ reply: SMTPReply, step: Expected) -> Action {
        guard let current = transaction else {
            return fail(protocolError("sent a transaction reply outside a transaction"), .drop)
        }
        let envelope = current.envelope
        let pipelined = current.pipelined

        switch step {
        case .reset:
            if !reply.isPositiveCompletion {
                transaction?.resetFailure = reply
                return pipelined ? .readReply : concludeFailure()
            }
            return pipelined ? .readReply : send([current.mailCommand], expecting: [.mail])

        case .mail:
            if reply.isPositiveCompletion {
                mailAccepted = true
                if pipelined {
                    return .readReply
                }
                return send([.recipient(envelope.recipients[0])], expecting: [.recipient(0)])
            }
            if reply.isPositiveIntermediate {
                return fail(unexpected(reply, "to MAIL FROM"), .drop)
            }
            transaction?.mailFailure = reply
            return pipelined ? .readReply : concludeFailure()

        case .recipient(let index):
            let address = envelope.recipients[index]
            if reply.isPositiveCompletion {
                transaction?.accepted.append(address)
            } else if reply.isPositiveIntermediate {
                return fail(unexpected(reply, "to RCPT TO"), .drop)
            } else {
                transaction?.rejected.append((address, reply))
            }
            if pipelined {
                return .readReply
            }
            if index + 1 < envelope.recipients.count {
                return send([.recipient(envelope.recipients[index + 1])], expecting: [.recipient(index + 1)])
            }
            if transaction?.accepted.isEmpty ?? true {
                return concludeFailure()
            }
            return send([.data], expecting: [.data])

        case .data:
            let nothingToDeliver = current.resetFailure != nil || current.mailFailure != nil || current.accepted.isEmpty
            if reply.code == 354 {
                if nothingToDeliver {
                    // Pipelined: the server opened DATA though nothing can be delivered. End it empty.
                    return send([.emptyDataTerminator], expecting: [.emptyDataEnd])
                }
                expected.append(.messageEnd)
                return .sendMessage
            }
            if reply.isPositiveCompletion || reply.isPositiveIntermediate {
                return fail(unexpected(reply, "to DATA"), .drop)
            }
            if nothingToDeliver {
                return concludeFailure()
            }
            return finish(.failed(.rejected("SMTP server refused DATA", reply), .keep))

        case .emptyDataEnd:
            return concludeFailure()

        case .messageEnd:
            if reply.isPositiveCompletion {
                let rejected = Dictionary(
                    current.rejected.map { ($0.address, $0.reply.summary) },
                    uniquingKeysWith: { first, _ in first }
                )
                return finish(.delivered(Delivery(accepted: current.accepted, rejected: rejected, reply: reply)))
            }
            if reply.isPositiveIntermediate {
                return fail(unexpected(reply, "to the end of the message"), .drop)
            }
            return finish(.failed(.rejected("SMTP server refused the message", reply), .keep))

        default:
            return fail(misuse("reached an impossible transaction step"), .drop)
        }
    }

    /// The transaction failed before the message was sent: report the first cause.
    private mutating func concludeFailure() -> Action {
        guard let current = transaction else {
            return fail(misuse("no transaction to conclude"), .drop)
        }
        if let reply = current.resetFailure {
            return finish(.failed(.rejected("SMTP server refused RSET", reply), .quit), closing: true)
        }
        if let reply = current.mailFailure {
            let sender = current.envelope.sender
            return finish(.failed(.rejected("SMTP server refused the sender MAIL FROM:<\(sender)>", reply), .keep))
        }
        let refusals = current.rejected.map { "\($0.address) (\($0.reply.summary))" }.joined(separator: "; ")
        let permanent = current.rejected.allSatisfy { $0.reply.isPermanentFailure }
        return finish(.failed(SMTPError(
            .recipientsRefused,
            "SMTP server refused every recipient: \(refusals)",
            isTransient: !permanent
        ), .keep))
    }

    /// Closes the transaction: the session is ready again unless it must close. Only a transaction
    /// that did not deliver leaves state on the server for RSET to clear (RFC 5321 §4.1.1.5).
    private mutating func finish(_ action: Action, closing: Bool = false) -> Action {
        transaction = nil
        expected = []
        if case .delivered = action {
            needsReset = false
        } else {
            needsReset = true
        }
        phase = closing ? .closing : .ready
        return action
    }

    // MARK: - Helpers

    private mutating func send(_ commands: [SMTPCommand], expecting replies: [Expected]) -> Action {
        expected += replies
        return .send(commands)
    }

    private mutating func fail(_ error: SMTPError, _ disposition: Disposition) -> Action {
        expected = []
        transaction = nil
        switch disposition {
        case .keep:
            phase = .ready
            needsReset = true
        case .quit: phase = .closing
        case .drop: phase = .closed
        }
        return .failed(error, disposition)
    }

    private func during(_ step: Expected) -> String {
        switch step {
        case .greeting: " instead of greeting"
        case .ehlo, .helo: " after EHLO"
        case .startTLS: " after STARTTLS"
        case .authPlain, .authLogin, .authLoginUser, .authLoginPassword: " during AUTH"
        case .reset: " at RSET"
        case .mail: " at MAIL FROM"
        case .recipient: " at RCPT TO"
        case .data: " at DATA"
        case .messageEnd, .emptyDataEnd: " after the message"
        case .quit: ""
        }
    }

    private func unexpected(_ reply: SMTPReply, _ context: String) -> SMTPError {
        protocolError("answered \(reply.summary) \(context), which RFC 5321 does not allow")
    }

    /// A call the driver should never make; a bug in this module, not the server's fault.
    private func misuse(_ detail: String) -> SMTPError {
        SMTPError(.protocolViolation, "SMTP client error: \(detail)", isTransient: true)
    }

    private func protocolError(_ detail: String) -> SMTPError {
        SMTPError(.protocolViolation, "SMTP server \(detail)", isTransient: true)
    }

    private static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }
}
