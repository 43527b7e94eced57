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
/// The driver feeds in what happened (``start()``, ``receive(_:)``, ``tlsEstablished(unreadPlaintext:)``,
/// ``startTransaction(_:)``, ``quit()``) and does what the returned ``Action`` says. After `.send`,
/// `.readReply` and `.sendMessage` it reads one reply, waiting at most ``awaitedStep``'s time limit.
///
/// Where the conversation is lives in one value, ``State``, whose cases hold exactly what is known
/// in them: a combination that cannot happen cannot be written down either. An input that makes no
/// sense where the conversation is (a reply nobody asked for, TLS outside STARTTLS, a message on a
/// session that is not ready) is answered with a `.failed` action, never a crash.
struct SMTPClientStateMachine {
    /// What the machine needs from the configuration.
    struct Settings: Sendable, Equatable {
        var heloName: String
        var tls: SMTPConfiguration.TLSMode
        var credentials: SMTPConfiguration.Credentials?
        var authMechanism: SMTPConfiguration.AuthMechanism?
        var hostIsLoopback: Bool
        /// How errors name the settings.
        var names: SMTPConfiguration.SettingNames
        /// Where the password came from, named when the server refuses it.
        var passwordSetting: String

        init(
            heloName: String = "client.example",
            tls: SMTPConfiguration.TLSMode = .required,
            credentials: SMTPConfiguration.Credentials? = nil,
            authMechanism: SMTPConfiguration.AuthMechanism? = nil,
            hostIsLoopback: Bool = false,
            names: SMTPConfiguration.SettingNames = .descriptive
        ) {
            self.names = names
            self.passwordSetting = names.url
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
                hostIsLoopback: configuration.isLoopback,
                names: configuration.names
            )
            if configuration.passwordFile != nil {
                passwordSetting = configuration.names.passwordFile
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
        /// Put TLS on the connection, then call ``tlsEstablished(unreadPlaintext:)``.
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

    /// Where the conversation is, with what is known there.
    private enum State {
        /// Made; ``start()`` not called yet.
        case initial
        /// The connection is open (with TLS for `smtps://`): the greeting is awaited.
        case awaitingGreeting
        /// EHLO was sent, first in the session or again after STARTTLS.
        case awaitingEHLO(encrypted: Bool)
        /// The server did not know EHLO (500 or 502): HELO was sent.
        case awaitingHELO(encrypted: Bool)
        /// STARTTLS was sent after a plain-text EHLO that offered these extensions; with
        /// tls=opportunistic a refusal goes on with them, in plain text.
        case awaitingStartTLS(SMTPCapabilities)
        /// The server agreed to STARTTLS: the driver puts TLS on the connection.
        case tlsHandshake
        /// An AUTH exchange is under way.
        case authenticating(AuthStep, SMTPConfiguration.Credentials, Session)
        /// Set up and idle: a message can be sent. `last` is how the previous transaction ended.
        case ready(Session, last: LastTransaction)
        /// A message is under way.
        case inTransaction(Transaction)
        /// The session failed, but the server is sane: ``quit()`` says QUIT.
        case closing(mailAccepted: Bool)
        /// QUIT was sent; its reply is awaited.
        case quitting(mailAccepted: Bool)
        /// Over: the connection is to be closed.
        case closed(mailAccepted: Bool)
    }

    /// A session that is set up (or being authenticated): what the server offers on the connection
    /// as it is now.
    private struct Session {
        let capabilities: SMTPCapabilities
        let isEncrypted: Bool
    }

    /// How the session's last transaction ended.
    private enum LastTransaction {
        case none
        case delivered
        /// Refused or abandoned: the server may still hold its state, so the next one starts with RSET.
        case failed(mailAccepted: Bool)

        var needsReset: Bool {
            if case .failed = self { return true }
            return false
        }

        var mailAccepted: Bool {
            switch self {
            case .none: false
            case .delivered: true
            case .failed(let mailAccepted): mailAccepted
            }
        }
    }

    /// The command of an AUTH exchange whose reply is awaited.
    private enum AuthStep {
        /// `AUTH PLAIN` with its initial response.
        case plain
        /// `AUTH LOGIN`: the user challenge comes next.
        case login
        /// The user: the password challenge comes next.
        case loginUser
        /// The password.
        case loginPassword

        var mechanism: String {
            switch self {
            case .plain: "PLAIN"
            case .login, .loginUser, .loginPassword: "LOGIN"
            }
        }
    }

    /// The reply awaited now, as the driver's time limits and the 421 message name it.
    private enum Awaited {
        case greeting, hello, startTLS, auth, reset, mail, recipient, data, messageEnd, quit

        var step: SMTPTimeouts.Step {
            switch self {
            case .greeting: .greeting
            case .hello, .startTLS, .auth, .reset, .quit: .command
            case .mail: .mail
            case .recipient: .recipient
            case .data: .dataInitiation
            case .messageEnd: .dataTermination
            }
        }

        /// Where a 421 came, for its error message.
        var moment: String {
            switch self {
            case .greeting: " instead of greeting"
            case .hello: " after EHLO"
            case .startTLS: " after STARTTLS"
            case .auth: " during AUTH"
            case .reset: " at RSET"
            case .mail: " at MAIL FROM"
            case .recipient: " at RCPT TO"
            case .data: " at DATA"
            case .messageEnd: " after the message"
            case .quit: ""
            }
        }
    }

    /// How a failure ends the session; ``Disposition/keep`` is a transaction's to give.
    private enum Ending {
        case quit, drop
    }

    let settings: Settings
    private var state: State = .initial

    init(settings: Settings) {
        self.settings = settings
    }

    /// Whether a message can be sent now.
    var isReady: Bool {
        if case .ready = state { return true }
        return false
    }

    /// What the server offers on the connection as it is now: its EHLO reply's extensions, ``SMTPCapabilities/none``
    /// before EHLO was answered, after HELO, while the second EHLO after STARTTLS is awaited and
    /// once the session is over.
    var capabilities: SMTPCapabilities {
        switch state {
        case .awaitingStartTLS(let capabilities): capabilities
        case .authenticating(_, _, let session), .ready(let session, _): session.capabilities
        case .inTransaction(let transaction): transaction.session.capabilities
        case .initial, .awaitingGreeting, .awaitingEHLO, .awaitingHELO, .tlsHandshake, .closing, .quitting, .closed: .none
        }
    }

    /// Whether the conversation is encrypted now: from the start with `smtps://`, after the
    /// handshake with STARTTLS; `false` once the session is over.
    var isEncrypted: Bool {
        switch state {
        case .initial, .awaitingGreeting: settings.tls == .implicit
        case .awaitingEHLO(let encrypted), .awaitingHELO(let encrypted): encrypted
        case .authenticating(_, _, let session), .ready(let session, _): session.isEncrypted
        case .inTransaction(let transaction): transaction.session.isEncrypted
        case .awaitingStartTLS, .tlsHandshake, .closing, .quitting, .closed: false
        }
    }

    /// Whether the last transaction started got past MAIL FROM (it stays set after the transaction
    /// ends). Until then a dead reused connection can be replaced and the message tried again.
    var mailAccepted: Bool {
        switch state {
        case .initial, .awaitingGreeting, .awaitingEHLO, .awaitingHELO, .awaitingStartTLS, .tlsHandshake, .authenticating:
            false
        case .ready(_, let last): last.mailAccepted
        case .inTransaction(let transaction): transaction.mailAccepted
        case .closing(let mailAccepted), .quitting(let mailAccepted), .closed(let mailAccepted): mailAccepted
        }
    }

    /// The time limit that applies to the reply awaited now; `nil` when no reply is awaited.
    var awaitedStep: SMTPTimeouts.Step? {
        awaited?.step
    }

    private var awaited: Awaited? {
        switch state {
        case .initial, .tlsHandshake, .ready, .closing, .closed: nil
        case .awaitingGreeting: .greeting
        case .awaitingEHLO, .awaitingHELO: .hello
        case .awaitingStartTLS: .startTLS
        case .authenticating: .auth
        case .inTransaction(let transaction): transaction.awaited
        case .quitting: .quit
        }
    }

    // MARK: - Inputs

    /// The connection is open (and, for `smtps://`, TLS is up): wait for the greeting.
    mutating func start() -> Action {
        guard case .initial = state else {
            return fail(.misuse("the session was started twice"), .drop)
        }
        state = .awaitingGreeting
        return .readReply
    }

    /// TLS is on the connection after STARTTLS: say EHLO again (RFC 3207 §4.2).
    ///
    /// - Parameter unreadPlaintext: whether bytes the server sent after its `220` to STARTTLS were
    ///   still unread when TLS went on. They came in plain text, where an attacker could have put
    ///   them to be taken for the first reply over TLS (RFC 3207 §6, CVE-2011-0411), so the
    ///   connection is dropped. ``SMTPSession`` passes what ``SMTPConnection/startTLS(context:)``
    ///   reported; the default is for callers that know nothing was sent, such as tests.
    mutating func tlsEstablished(unreadPlaintext: Bool = false) -> Action {
        guard case .tlsHandshake = state else {
            return fail(.misuse("TLS was started outside STARTTLS"), .drop)
        }
        if unreadPlaintext {
            return fail(SMTPError(
                .protocolViolation,
                "the SMTP server sent data after agreeing to STARTTLS and before the TLS handshake; refusing to go on",
                isTransient: true
            ), .drop)
        }
        state = .awaitingEHLO(encrypted: true)
        return .send([.ehlo(settings.heloName)])
    }

    /// Begins sending a message. Checks what can be checked before the first command (size,
    /// 8-bit data, line length, addresses) and fails without touching the connection if it must.
    mutating func startTransaction(_ envelope: SMTPEnvelope) -> Action {
        guard case .ready(let session, let last) = state else {
            return fail(.misuse("a message was started while the session was not ready"), .drop)
        }
        if let problem = Self.check(envelope, against: session.capabilities) {
            return .failed(problem, .keep)
        }
        var parameters: [String] = []
        if session.capabilities.supports("SIZE") {
            parameters.append("SIZE=\(envelope.messageSize)")
        }
        if envelope.containsEightBitData {
            parameters.append("BODY=8BITMIME")
        }
        if !([envelope.sender] + envelope.recipients).allSatisfy({ $0.allSatisfy(\.isASCII) }) {
            parameters.append("SMTPUTF8")
        }
        let transaction = Transaction(
            session: session,
            envelope: envelope,
            mailCommand: .mail(from: envelope.sender, parameters: parameters),
            reset: last.needsReset
        )
        state = .inTransaction(transaction)
        return .send(transaction.firstCommands)
    }

    /// Ends the session politely: QUIT, then close once the server answers. While a reply is
    /// awaited, or once the session is over, the connection is just closed.
    mutating func quit() -> Action {
        switch state {
        case .ready(_, let last):
            state = .quitting(mailAccepted: last.mailAccepted)
            return .send([.quit])
        case .closing(let mailAccepted):
            state = .quitting(mailAccepted: mailAccepted)
            return .send([.quit])
        case .initial, .awaitingGreeting, .awaitingEHLO, .awaitingHELO, .awaitingStartTLS, .tlsHandshake,
             .authenticating, .inTransaction, .quitting, .closed:
            state = .closed(mailAccepted: mailAccepted)
            return .closeConnection
        }
    }

    /// Takes the next reply from the server.
    mutating func receive(_ reply: SMTPReply) -> Action {
        if reply.code == 421, let awaited, awaited != .quit {
            // RFC 5321 §3.8: the server is closing the channel; nothing more will be answered.
            return fail(SMTPError(
                .connectionClosed,
                "SMTP server closed the session\(awaited.moment): \(reply.summary)",
                isTransient: true
            ), .drop)
        }
        switch state {
        case .initial, .tlsHandshake, .ready, .closing, .closed:
            return fail(.serverViolation("sent a reply (\(reply.summary)) when none was awaited"), .drop)
        case .awaitingGreeting:
            return receiveGreeting(reply)
        case .awaitingEHLO(let encrypted):
            return receiveEHLO(reply, encrypted: encrypted)
        case .awaitingHELO(let encrypted):
            return receiveHELO(reply, encrypted: encrypted)
        case .awaitingStartTLS(let capabilities):
            return receiveStartTLS(reply, capabilities: capabilities)
        case .authenticating(let step, let credentials, let session):
            return receiveAuth(reply, step: step, credentials: credentials, session: session)
        case .inTransaction(var transaction):
            let progress = transaction.receive(reply)
            state = .inTransaction(transaction)
            return proceed(transaction, progress)
        case .quitting(let mailAccepted):
            state = .closed(mailAccepted: mailAccepted)
            return .closeConnection
        }
    }

    // MARK: - Session set-up

    private mutating func receiveGreeting(_ reply: SMTPReply) -> Action {
        if reply.isPositiveCompletion {
            state = .awaitingEHLO(encrypted: settings.tls == .implicit)
            return .send([.ehlo(settings.heloName)])
        }
        if reply.isPositiveIntermediate {
            return fail(.unexpected(reply, "as its greeting"), .drop)
        }
        return fail(.rejected("SMTP server refused the connection", reply), .quit)
    }

    private mutating func receiveEHLO(_ reply: SMTPReply, encrypted: Bool) -> Action {
        if reply.isPositiveCompletion {
            return afterHello(SMTPCapabilities(ehloReply: reply), encrypted: encrypted)
        }
        if reply.code == 500 || reply.code == 502 {
            // An RFC 821 server that does not know EHLO (RFC 5321 §3.2).
            state = .awaitingHELO(encrypted: encrypted)
            return .send([.helo(settings.heloName)])
        }
        if reply.isPositiveIntermediate {
            return fail(.unexpected(reply, "to EHLO"), .drop)
        }
        return fail(.rejected("SMTP server refused EHLO", reply), .quit)
    }

    private mutating func receiveHELO(_ reply: SMTPReply, encrypted: Bool) -> Action {
        if reply.isPositiveCompletion {
            return afterHello(.none, encrypted: encrypted)
        }
        if reply.isPositiveIntermediate {
            return fail(.unexpected(reply, "to HELO"), .drop)
        }
        return fail(.rejected("SMTP server refused HELO", reply), .quit)
    }

    /// After EHLO or HELO: STARTTLS if wanted and offered, else authentication. A connection that
    /// is not encrypted here has not tried STARTTLS yet: after a refused STARTTLS the conversation
    /// goes on without a second EHLO.
    private mutating func afterHello(_ capabilities: SMTPCapabilities, encrypted: Bool) -> Action {
        if !encrypted, settings.tls == .required || settings.tls == .opportunistic {
            if capabilities.startTLS {
                state = .awaitingStartTLS(capabilities)
                return .send([.startTLS])
            }
            if settings.tls == .required {
                return fail(SMTPError(
                    .tlsUnavailable,
                    "SMTP server does not offer STARTTLS, and \(settings.names.url) requires TLS (tls=required is the default for smtp://); use smtps:// if the server speaks TLS on its own port, or tls=none for a relay on localhost",
                    isTransient: false
                ), .quit)
            }
        }
        return authenticateOrFinish(Session(capabilities: capabilities, isEncrypted: encrypted))
    }

    private mutating func receiveStartTLS(_ reply: SMTPReply, capabilities: SMTPCapabilities) -> Action {
        if reply.isPositiveCompletion {
            state = .tlsHandshake
            return .startTLS
        }
        if reply.isPositiveIntermediate {
            return fail(.unexpected(reply, "to STARTTLS"), .drop)
        }
        if settings.tls == .opportunistic {
            return authenticateOrFinish(Session(capabilities: capabilities, isEncrypted: false))
        }
        return fail(.rejected(.tlsUnavailable, "SMTP server refused STARTTLS", reply), .quit)
    }

    private mutating func authenticateOrFinish(_ session: Session) -> Action {
        guard let credentials = settings.credentials else {
            state = .ready(session, last: .none)
            return .sessionReady(session.capabilities)
        }
        if !session.isEncrypted, !(settings.tls == .none && settings.hostIsLoopback) {
            return fail(SMTPError(
                .authenticationUnavailable,
                "the connection to the SMTP server is not encrypted (the server did not offer or refused STARTTLS), so the password is not sent; use tls=required or smtps://",
                isTransient: false
            ), .quit)
        }
        let offered = session.capabilities.authMechanisms
        guard !offered.isEmpty else {
            return fail(SMTPError(
                .authenticationUnavailable,
                "\(settings.names.url) has a user and password, but the SMTP server offers no AUTH on this connection; remove the credentials from the URL or enable authentication on the server",
                isTransient: false
            ), .quit)
        }
        let mechanism: SMTPConfiguration.AuthMechanism
        if let wanted = settings.authMechanism {
            guard offered.contains(wanted.rawValue) else {
                return fail(SMTPError(
                    .authenticationUnavailable,
                    "SMTP server does not offer AUTH \(wanted.rawValue) (it offers \(offered.sorted().joined(separator: " "))); change or remove auth= in \(settings.names.url)",
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
            state = .authenticating(.plain, credentials, session)
            let response = Self.base64("\0\(credentials.user)\0\(credentials.password)")
            return .send([.authPlain(initialResponse: response)])
        case .login:
            state = .authenticating(.login, credentials, session)
            return .send([.authLogin])
        }
    }

    private mutating func receiveAuth(
        _ reply: SMTPReply,
        step: AuthStep,
        credentials: SMTPConfiguration.Credentials,
        session: Session
    ) -> Action {
        if reply.isTransientFailure || reply.isPermanentFailure {
            return fail(.rejected(
                .authenticationFailed,
                "SMTP server refused AUTH \(step.mechanism)",
                reply,
                advice: "check the user and password in \(settings.passwordSetting)"
            ), .quit)
        }
        // What is left is 2xx, done, or 3xx, a challenge; each fits one step only.
        switch (step, reply.isPositiveCompletion) {
        case (.plain, true), (.loginPassword, true):
            state = .ready(session, last: .none)
            return .sessionReady(session.capabilities)
        case (.login, false):
            state = .authenticating(.loginUser, credentials, session)
            return .send([.authResponse(Self.base64(credentials.user))])
        case (.loginUser, false):
            state = .authenticating(.loginPassword, credentials, session)
            return .send([.authResponse(Self.base64(credentials.password))])
        case (.plain, false), (.login, true), (.loginUser, true), (.loginPassword, false):
            return fail(.unexpected(reply, "during AUTH \(step.mechanism)"), .drop)
        }
    }

    // MARK: - Transactions

    private static func check(_ envelope: SMTPEnvelope, against capabilities: SMTPCapabilities) -> SMTPError? {
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

    /// Carries out what a reply did to the transaction. Only a transaction that did not deliver
    /// leaves state on the server for RSET to clear (RFC 5321 §4.1.1.5).
    private mutating func proceed(_ transaction: Transaction, _ progress: Transaction.Progress) -> Action {
        switch progress {
        case .send(let commands):
            return .send(commands)
        case .readReply:
            return .readReply
        case .sendMessage:
            return .sendMessage
        case .delivered(let delivery):
            state = .ready(transaction.session, last: .delivered)
            return .delivered(delivery)
        case .failed(let error, .keep):
            state = .ready(transaction.session, last: .failed(mailAccepted: transaction.mailAccepted))
            return .failed(error, .keep)
        case .failed(let error, .quit):
            return fail(error, .quit)
        case .failed(let error, .drop):
            return fail(error, .drop)
        }
    }

    // MARK: - Helpers

    /// Ends the session with `error`; what the last transaction got to is kept for ``mailAccepted``.
    private mutating func fail(_ error: SMTPError, _ ending: Ending) -> Action {
        let accepted = self.mailAccepted
        switch ending {
        case .quit:
            state = .closing(mailAccepted: accepted)
            return .failed(error, .quit)
        case .drop:
            state = .closed(mailAccepted: accepted)
            return .failed(error, .drop)
        }
    }

    private static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }
}

extension SMTPClientStateMachine {
    /// One message's trip through MAIL FROM, RCPT TO and DATA: which reply comes next, and what
    /// the replies so far said.
    ///
    /// Without PIPELINING each reply is followed by the next command; with it, RSET, MAIL FROM,
    /// every RCPT TO and DATA went out together, and the replies are read in the same order.
    private struct Transaction {
        /// The reply awaited now.
        enum Step: Equatable {
            case reset
            case mail
            /// The reply to the RCPT TO of `envelope.recipients[index]`.
            case recipient(Int)
            case data
            /// The reply to the end of the message.
            case message
            /// The reply to the empty DATA section that closes a pipelined group with nothing to deliver.
            case emptyData
        }

        /// A refusal that dooms the transaction whatever the recipients say.
        enum Refusal {
            case reset(SMTPReply)
            case sender(SMTPReply)
        }

        /// What to do after a reply.
        enum Progress {
            case send([SMTPCommand])
            case readReply
            case sendMessage
            case delivered(Delivery)
            case failed(SMTPError, Disposition)
        }

        let session: Session
        let envelope: SMTPEnvelope
        let mailCommand: SMTPCommand
        private(set) var step: Step
        /// Whether the server accepted MAIL FROM.
        private(set) var mailAccepted = false
        /// The first refusal of RSET or MAIL FROM.
        private var refusal: Refusal?
        private var accepted: [String] = []
        private var rejected: [(address: String, reply: SMTPReply)] = []

        /// - Parameter reset: the previous transaction did not deliver: RSET comes first.
        init(session: Session, envelope: SMTPEnvelope, mailCommand: SMTPCommand, reset: Bool) {
            self.session = session
            self.envelope = envelope
            self.mailCommand = mailCommand
            self.step = reset ? .reset : .mail
        }

        var pipelined: Bool { session.capabilities.pipelining }

        /// What to write to begin: the whole group when pipelining, else RSET or MAIL FROM.
        var firstCommands: [SMTPCommand] {
            let reset: [SMTPCommand] = step == .reset ? [.reset] : []
            guard pipelined else {
                return reset.isEmpty ? [mailCommand] : reset
            }
            return reset + [mailCommand] + envelope.recipients.map(SMTPCommand.recipient) + [.data]
        }

        var awaited: Awaited {
            switch step {
            case .reset: .reset
            case .mail: .mail
            case .recipient: .recipient
            case .data: .data
            case .message, .emptyData: .messageEnd
            }
        }

        mutating func receive(_ reply: SMTPReply) -> Progress {
            switch step {
            case .reset:
                step = .mail
                if !reply.isPositiveCompletion {
                    refusal = .reset(reply)
                    return pipelined ? .readReply : concludeFailure()
                }
                return pipelined ? .readReply : .send([mailCommand])

            case .mail:
                if reply.isPositiveIntermediate {
                    return .failed(.unexpected(reply, "to MAIL FROM"), .drop)
                }
                step = .recipient(0)
                if reply.isPositiveCompletion {
                    mailAccepted = true
                    return pipelined ? .readReply : .send([.recipient(envelope.recipients[0])])
                }
                refusal = refusal ?? .sender(reply)
                return pipelined ? .readReply : concludeFailure()

            case .recipient(let index):
                if reply.isPositiveIntermediate {
                    return .failed(.unexpected(reply, "to RCPT TO"), .drop)
                }
                let address = envelope.recipients[index]
                if reply.isPositiveCompletion {
                    accepted.append(address)
                } else {
                    rejected.append((address, reply))
                }
                let next = index + 1
                if next < envelope.recipients.count {
                    step = .recipient(next)
                    return pipelined ? .readReply : .send([.recipient(envelope.recipients[next])])
                }
                step = .data
                if pipelined {
                    return .readReply
                }
                return accepted.isEmpty ? concludeFailure() : .send([.data])

            case .data:
                let nothingToDeliver = refusal != nil || accepted.isEmpty
                if reply.code == 354 {
                    if nothingToDeliver {
                        // Pipelined: the server opened DATA though nothing can be delivered. End it empty.
                        step = .emptyData
                        return .send([.emptyDataTerminator])
                    }
                    step = .message
                    return .sendMessage
                }
                if reply.isPositiveCompletion || reply.isPositiveIntermediate {
                    return .failed(.unexpected(reply, "to DATA"), .drop)
                }
                if nothingToDeliver {
                    return concludeFailure()
                }
                return .failed(.rejected("SMTP server refused DATA", reply), .keep)

            case .emptyData:
                return concludeFailure()

            case .message:
                if reply.isPositiveCompletion {
                    let refused = Dictionary(
                        rejected.map { ($0.address, $0.reply.summary) },
                        uniquingKeysWith: { first, _ in first }
                    )
                    return .delivered(Delivery(accepted: accepted, rejected: refused, reply: reply))
                }
                if reply.isPositiveIntermediate {
                    return .failed(.unexpected(reply, "to the end of the message"), .drop)
                }
                return .failed(.rejected("SMTP server refused the message", reply), .keep)
            }
        }

        /// The transaction failed before the message was sent: report the first cause.
        private func concludeFailure() -> Progress {
            switch refusal {
            case .reset(let reply)?:
                return .failed(.rejected("SMTP server refused RSET", reply), .quit)
            case .sender(let reply)?:
                return .failed(.rejected("SMTP server refused the sender MAIL FROM:<\(envelope.sender)>", reply), .keep)
            case nil:
                let refusals = rejected.map { "\($0.address) (\($0.reply.summary))" }.joined(separator: "; ")
                let permanent = rejected.allSatisfy { $0.reply.isPermanentFailure }
                return .failed(SMTPError(
                    .recipientsRefused,
                    "SMTP server refused every recipient: \(refusals)",
                    isTransient: !permanent
                ), .keep)
            }
        }
    }
}

extension SMTPError {
    /// A reply RFC 5321 does not allow where it came.
    fileprivate static func unexpected(_ reply: SMTPReply, _ context: String) -> SMTPError {
        serverViolation("answered \(reply.summary) \(context), which RFC 5321 does not allow")
    }

    /// The server broke the protocol.
    fileprivate static func serverViolation(_ detail: String) -> SMTPError {
        SMTPError(.protocolViolation, "SMTP server \(detail)", isTransient: true)
    }

    /// A call the driver should never make; a bug in this module, not the server's fault.
    fileprivate static func misuse(_ detail: String) -> SMTPError {
        SMTPError(.protocolViolation, "SMTP client error: \(detail)", isTransient: true)
    }
}
