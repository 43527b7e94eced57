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
///
/// Public for the microbenchmarks (`Benchmarks/Micro`), which drive it through a transaction as the
/// unit tests do; ``SMTPTransport`` is the way to send mail.
public struct SMTPClientStateMachine {
    /// What the machine needs from the configuration.
    public struct Settings: Sendable, Equatable {
        var heloName: String
        var tls: SMTPConfiguration.TLSMode
        var credentials: SMTPConfiguration.Credentials?
        var authMechanism: SMTPConfiguration.AuthMechanism?
        var hostIsLoopback: Bool
        /// How errors name the settings.
        var names: SMTPConfiguration.SettingNames
        /// Where the password came from, named when the server refuses it.
        var passwordSetting: String

        /// Settings given one by one; ``SMTPTransport`` makes them from its ``SMTPConfiguration``.
        public init(
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
    public enum Disposition: Sendable, Equatable {
        /// The session is still good: the next message can use it (after RSET).
        case keep
        /// The session cannot go on, but the server is sane: call ``quit()``, then close.
        case quit
        /// Close the connection at once (421, a protocol violation).
        case drop
    }

    /// A message the server took.
    public struct Delivery: Sendable, Equatable {
        var accepted: [String]
        /// Refused recipient → the server's reply, on one line.
        var rejected: [String: String]
        /// The reply to the end of the message, e.g. `250 2.0.0 Ok: queued as 4BQ1xH`.
        var reply: SMTPReply
    }

    /// What the driver is to do next.
    public enum Action: Sendable, Equatable {
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
    enum State {
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
    struct Session {
        let capabilities: SMTPCapabilities
        let isEncrypted: Bool
    }

    /// How the session's last transaction ended.
    enum LastTransaction {
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
    enum AuthStep {
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
    enum Awaited {
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
    enum Ending {
        case quit, drop
    }

    let settings: Settings
    var state: State = .initial

    public init(settings: Settings) {
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

    var awaited: Awaited? {
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
    public mutating func start() -> Action {
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
    public mutating func tlsEstablished(unreadPlaintext: Bool = false) -> Action {
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
    public mutating func startTransaction(_ envelope: SMTPEnvelope) -> Action {
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
    public mutating func quit() -> Action {
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
    public mutating func receive(_ reply: SMTPReply) -> Action {
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

    // MARK: - Helpers

    /// Ends the session with `error`; what the last transaction got to is kept for ``mailAccepted``.
    mutating func fail(_ error: SMTPError, _ ending: Ending) -> Action {
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

    static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }
}

extension SMTPError {
    /// A reply RFC 5321 does not allow where it came.
    static func unexpected(_ reply: SMTPReply, _ context: String) -> SMTPError {
        serverViolation("answered \(reply.summary) \(context), which RFC 5321 does not allow")
    }

    /// The server broke the protocol.
    static func serverViolation(_ detail: String) -> SMTPError {
        SMTPError(.protocolViolation, "SMTP server \(detail)", isTransient: true)
    }

    /// A call the driver should never make; a bug in this module, not the server's fault.
    static func misuse(_ detail: String) -> SMTPError {
        SMTPError(.protocolViolation, "SMTP client error: \(detail)", isTransient: true)
    }
}
