/// The server side of an SMTP conversation as a pure state machine: no I/O, no clock.
///
/// The driver feeds in what happened — the connection opened (``start(_:)``), bytes arrived
/// (``receive(_:)``), the delegate answered (``recipientChecked(_:)``, ``messageHandled(_:)``), a
/// delay ran out (``delayElapsed()``), TLS went on (``tlsEstablished()``), a time limit passed
/// (``timedOut()``), the server is stopping (``shutdown()``) — and carries out the returned
/// actions in order. ``idleTimeout`` says which time limit applies while nothing happens.
///
/// Commands are taken one at a time, in the order they came: with PIPELINING a batch is answered
/// in order, and while the machine waits for the delegate or a delay the rest of the batch waits
/// in its buffer. Adjacent replies come in one ``Action/send(_:)`` so the driver can write them at
/// once.
struct SMTPServerStateMachine {
    /// What the machine needs from the configuration.
    struct Settings: Sendable, Equatable {
        var hostname = "localhost"
        var maximumMessageSize = 10 * 1024 * 1024
        var maximumRecipients = 10
        var offersTLS = false
        var badCommandDelay: Duration = .milliseconds(500)
        var maximumBadCommandDelay: Duration = .seconds(5)
        var maximumBadCommands = 20
        /// The most octets held unread while the machine waits for the delegate or a delay.
        var maximumPendingInput = 64 * 1024

        init() {}

        init(_ configuration: SMTPReceiverConfiguration) {
            hostname = configuration.hostname
            maximumMessageSize = configuration.maximumMessageSize
            maximumRecipients = configuration.maximumRecipients
            offersTLS = configuration.tls != nil
            badCommandDelay = configuration.badCommandDelay
            maximumBadCommandDelay = configuration.maximumBadCommandDelay
            maximumBadCommands = configuration.maximumBadCommands
        }
    }

    /// Whether the server takes the connection; the listener decides from its counts.
    enum Admission: Sendable, Equatable {
        case accepted
        case tooManyConnections
        case tooManyFromAddress
        case shuttingDown
    }

    enum Action: Sendable, Equatable {
        /// Write these replies, in one go.
        case send([SMTPServerReply])
        /// Ask the delegate about this recipient, then call ``recipientChecked(_:)``.
        case checkRecipient(String, SMTPSessionInfo)
        /// Hand the message to the delegate, then call ``messageHandled(_:)``.
        case deliver([UInt8], SMTPEnvelopeInfo, SMTPSessionInfo)
        /// Wait this long, then call ``delayElapsed()``.
        case delay(Duration)
        /// The replies before this one went out in plain text; put TLS on the connection now, so
        /// that the next byte read is the client's handshake, then call ``tlsEstablished()``.
        case startTLS
        /// Close the connection once the replies before this one are written.
        case close
    }

    /// The time limit that applies while the client is silent.
    enum IdleTimeout: Sendable, Equatable {
        case command
        case data
    }

    /// A mail transaction: MAIL FROM was accepted.
    struct Transaction: Sendable, Equatable {
        var sender: String
        var utf8: Bool
        var recipients: [String] = []
    }

    enum Phase: Sendable, Equatable {
        /// ``start(_:)`` not called yet.
        case initial
        /// Greeted (or TLS just went on): EHLO or HELO is awaited.
        case awaitingHello
        /// Said hello; no transaction.
        case ready
        case transaction(Transaction)
        /// After `354`: the message is being read.
        case data(Transaction, SMTPDataReader)
        case closed
    }

    /// What the machine waits for before it takes the next command.
    enum Waiting: Sendable, Equatable {
        case recipient(String)
        case delivery
        /// This reply goes out when the delay ends.
        case delay(SMTPServerReply)
        case tlsHandshake
    }

    let settings: Settings
    // Set here and by the command handling (SMTPServerStateMachine+Commands.swift) only.
    var phase: Phase = .initial
    var waiting: Waiting?
    var session: SMTPSessionInfo
    var badCommands = 0
    /// Set by ``shutdown()`` during a message: close once it is answered.
    var closeAfterMessage = false
    var input = SMTPInputBuffer()
    var output: [Action] = []

    init(settings: Settings, clientAddress: String) {
        self.settings = settings
        self.session = SMTPSessionInfo(clientAddress: clientAddress, heloName: "", isTLS: false)
    }

    /// `nil` while the machine waits for something of the server's own (the delegate, a delay) or is closed.
    var idleTimeout: IdleTimeout? {
        switch (phase, waiting) {
        case (.closed, _), (.initial, _), (_, .recipient), (_, .delivery), (_, .delay): nil
        case (.data, _): .data
        default: .command
        }
    }

    var isClosed: Bool { phase == .closed }

    // MARK: - Inputs

    /// The connection is open: greet, or refuse with `421` as `admission` says.
    mutating func start(_ admission: Admission) -> [Action] {
        guard phase == .initial else { return [] }
        let hostname = settings.hostname
        switch admission {
        case .accepted:
            phase = .awaitingHello
            emit(.greeting(hostname))
        case .tooManyConnections: close(with: .closing(hostname, .tooManyConnections))
        case .tooManyFromAddress: close(with: .closing(hostname, .tooManyFromAddress))
        case .shuttingDown: close(with: .closing(hostname, .shuttingDown))
        }
        return takeOutput()
    }

    /// Bytes from the client.
    mutating func receive(_ bytes: some Sequence<UInt8>) -> [Action] {
        guard phase != .closed, phase != .initial else { return [] }
        input.append(bytes)
        process()
        if waiting != nil, phase != .closed, input.count > settings.maximumPendingInput {
            close(with: .closing(settings.hostname, .tooMuchPipelinedInput))
        }
        return takeOutput()
    }

    /// The delegate's answer about the recipient of ``Action/checkRecipient(_:_:)``.
    mutating func recipientChecked(_ verdict: SMTPVerdict) -> [Action] {
        guard case .recipient(let address) = waiting, case .transaction(var transaction) = phase else { return [] }
        waiting = nil
        if verdict == .accept, !transaction.recipients.contains(address) {
            transaction.recipients.append(address)
            phase = .transaction(transaction)
        }
        emit(SMTPServerReply(verdict, accepted: .recipientOK))
        process()
        return takeOutput()
    }

    /// The delegate's answer about the message of ``Action/deliver(_:_:_:)``.
    mutating func messageHandled(_ verdict: SMTPVerdict) -> [Action] {
        guard waiting == .delivery else { return [] }
        waiting = nil
        phase = .ready
        emit(SMTPServerReply(verdict, accepted: .messageAccepted))
        if closeAfterMessage {
            close(with: .closing(settings.hostname, .shuttingDown))
        }
        process()
        return takeOutput()
    }

    /// The delay of ``Action/delay(_:)`` ran out: answer the bad command, go on with the rest.
    mutating func delayElapsed() -> [Action] {
        guard case .delay(let reply) = waiting else { return [] }
        waiting = nil
        emit(reply)
        process()
        return takeOutput()
    }

    /// TLS is on after STARTTLS: the session starts over, and the client must say EHLO again (RFC 3207 §4.2).
    mutating func tlsEstablished() -> [Action] {
        guard waiting == .tlsHandshake else { return [] }
        waiting = nil
        session.isTLS = true
        session.heloName = ""
        phase = .awaitingHello
        process()
        return takeOutput()
    }

    /// The client said nothing within ``idleTimeout``'s limit.
    mutating func timedOut() -> [Action] {
        guard idleTimeout != nil else { return [] }
        close(with: .closing(settings.hostname, .timedOut))
        return takeOutput()
    }

    /// The server is stopping: a session in the middle of a message finishes it, any other is
    /// closed with `421` now.
    mutating func shutdown() -> [Action] {
        switch (phase, waiting) {
        case (.closed, _), (.initial, _):
            return []
        case (.data, _), (_, .delivery):
            closeAfterMessage = true
            return []
        default:
            close(with: .closing(settings.hostname, .shuttingDown))
            return takeOutput()
        }
    }

    // MARK: - Taking input

    /// Takes commands, or the message, until input runs out or something must be waited for.
    private mutating func process() {
        while waiting == nil {
            switch phase {
            case .initial, .closed:
                input.discardAll()
                return
            case .data(let transaction, var reader):
                guard let outcome = input.feed(&reader) else {
                    phase = .data(transaction, reader)
                    return
                }
                finishMessage(transaction, outcome)
            case .awaitingHello, .ready, .transaction:
                guard let line = input.nextCommandLine() else { return }
                switch line {
                case .tooLong: refuse(.commandLineTooLong)
                case .command(let text): handle(text)
                }
            }
        }
    }

    private mutating func finishMessage(_ transaction: Transaction, _ outcome: SMTPDataReader.Outcome) {
        phase = .ready
        switch outcome {
        case .message(let bytes):
            waiting = .delivery
            phase = .transaction(transaction)
            output.append(.deliver(bytes, SMTPEnvelopeInfo(sender: transaction.sender, recipients: transaction.recipients), session))
        case .tooLarge:
            emit(.messageTooLarge)
            if closeAfterMessage { close(with: .closing(settings.hostname, .shuttingDown)) }
        case .lineTooLong:
            emit(.messageLineTooLong)
            if closeAfterMessage { close(with: .closing(settings.hostname, .shuttingDown)) }
        case .overrun:
            close(with: .messageTooLarge)
        }
    }

    // MARK: - Output

    mutating func emit(_ reply: SMTPServerReply) {
        if case .send(let replies) = output.last {
            output[output.count - 1] = .send(replies + [reply])
        } else {
            output.append(.send([reply]))
        }
    }

    /// Sends `reply` and closes: nothing more is read.
    mutating func close(with reply: SMTPServerReply) {
        emit(reply)
        output.append(.close)
        phase = .closed
        waiting = nil
        input.discardAll()
    }

    /// Answers a client's mistake: after a delay that grows with each one, and with `421` once
    /// there were too many.
    mutating func refuse(_ reply: SMTPServerReply) {
        guard reply.isBadCommand else {
            emit(reply)
            return
        }
        badCommands += 1
        if badCommands >= settings.maximumBadCommands {
            close(with: .closing(settings.hostname, .tooManyErrors))
            return
        }
        let delay = min(settings.badCommandDelay * badCommands, settings.maximumBadCommandDelay)
        guard delay > .zero else {
            emit(reply)
            return
        }
        output.append(.delay(delay))
        waiting = .delay(reply)
    }

    private mutating func takeOutput() -> [Action] {
        defer { output = [] }
        return output
    }
}
