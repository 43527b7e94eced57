import Logging
import NIOCore
import NIOSSL

/// An SMTP session: one ``SMTPConnection`` and the ``SMTPClientStateMachine`` that says what to
/// do on it. This is the driver: it performs the machine's actions and feeds back the replies.
///
/// Not thread-safe; its owner (``SMTPTransport``) uses it from one task at a time, and its async
/// methods run in the caller's isolation.
final class SMTPSession {
    let connection: SMTPConnection
    private var machine: SMTPClientStateMachine
    private let timeouts: SMTPTimeouts
    private let tlsContext: NIOSSLContext?
    private let logger: Logger
    /// Messages delivered over this session.
    private(set) var deliveries = 0

    private init(connection: SMTPConnection, machine: SMTPClientStateMachine, timeouts: SMTPTimeouts, tlsContext: NIOSSLContext?, logger: Logger) {
        self.connection = connection
        self.machine = machine
        self.timeouts = timeouts
        self.tlsContext = tlsContext
        self.logger = logger
    }

    /// Connects and sets the session up (greeting, EHLO, STARTTLS, AUTH), ready for messages.
    static func open(
        configuration: SMTPConfiguration,
        tlsContext: NIOSSLContext?,
        timeouts: SMTPTimeouts,
        group: any EventLoopGroup,
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation
    ) async throws(SMTPError) -> SMTPSession {
        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.connect(
                host: configuration.host,
                port: configuration.port,
                implicitTLS: configuration.tls == .implicit ? tlsContext : nil,
                timeout: timeouts.connect,
                group: group,
                names: configuration.names
            )
        } catch {
            throw SMTPError.channel(
                error, server: SMTPConnection.serverName(host: configuration.host, port: configuration.port),
                names: configuration.names, connecting: true)
        }
        let heloName = SMTPHeloName.choose(
            configured: configuration.heloName,
            hostName: SMTPHeloName.localHostName,
            localAddress: connection.channel.localAddress
        )
        return try await start(
            on: connection,
            configuration: configuration,
            heloName: heloName,
            tlsContext: tlsContext,
            timeouts: timeouts,
            logger: logger
        )
    }

    /// Sets the session up on an open connection (greeting, EHLO, STARTTLS, AUTH); on failure the
    /// connection is closed.
    static func start(
        on connection: SMTPConnection,
        configuration: SMTPConfiguration,
        heloName: String,
        tlsContext: NIOSSLContext?,
        timeouts: SMTPTimeouts,
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation
    ) async throws(SMTPError) -> SMTPSession {
        let session = SMTPSession(
            connection: connection,
            machine: SMTPClientStateMachine(settings: .init(configuration, heloName: heloName)),
            timeouts: timeouts,
            tlsContext: tlsContext,
            logger: logger
        )
        let outcome: SMTPClientStateMachine.Action
        do {
            outcome = try await session.run(session.machine.start())
        } catch where error.code == .timeout && configuration.port == 465 && configuration.tls != .implicit {
            // The classic mistake: smtp:// to the implicit-TLS port, where the server waits for a ClientHello.
            throw SMTPError(.timeout, error.message + "; port 465 usually speaks TLS from the start: use smtps://", isTransient: true)
        }
        switch outcome {
        case .sessionReady(let capabilities):
            logger.debug("SMTP session ready", metadata: [
                "smtp_extensions": "\(capabilities.extensions.keys.sorted().joined(separator: " "))",
            ])
            return session
        case .failed(let error, let disposition):
            await session.end(disposition)
            throw error
        default:
            await session.connection.close()
            throw SMTPError(.protocolViolation, "SMTP client error: the session ended while it was being set up", isTransient: true)
        }
    }

    /// Whether another message can go over this session now.
    func isReusable(isolation: isolated (any Actor)? = #isolation) async -> Bool {
        guard machine.isReady else { return false }
        return await connection.isReusable()
    }

    /// Whether the last message's MAIL FROM was accepted; until then retrying on a new connection is safe.
    var mailAccepted: Bool { machine.mailAccepted }

    /// Sends one message. On failure the session is closed unless the server left it usable.
    func deliver(
        _ envelope: SMTPEnvelope,
        body: DotStuffing,
        isolation: isolated (any Actor)? = #isolation
    ) async throws(SMTPError) -> SMTPClientStateMachine.Delivery {
        let outcome = try await run(machine.startTransaction(envelope), message: body.bytes)
        switch outcome {
        case .delivered(let delivery):
            deliveries += 1
            return delivery
        case .failed(let error, let disposition):
            await end(disposition)
            throw error
        default:
            await connection.close()
            throw SMTPError(.protocolViolation, "SMTP client error: the transaction ended without a result", isTransient: true)
        }
    }

    /// Says QUIT and closes the connection; never fails.
    func quit(isolation: isolated (any Actor)? = #isolation) async {
        await end(.quit)
    }

    /// Performs actions until the machine reaches a result. Any failure of the connection closes it.
    private func run(
        _ first: SMTPClientStateMachine.Action,
        message: [UInt8] = [],
        isolation: isolated (any Actor)? = #isolation
    ) async throws(SMTPError) -> SMTPClientStateMachine.Action {
        var action = first
        do {
            while true {
                switch action {
                case .send(let commands):
                    logger.trace("SMTP >", metadata: ["smtp_commands": "\(commands.map(\.description).joined(separator: " | "))"])
                    let step = machine.awaitedStep ?? .command
                    try await connection.write(commands.flatMap(\.bytes), timeout: timeouts[step], step: step)
                    action = machine.receive(try await readReply())
                case .readReply:
                    action = machine.receive(try await readReply())
                case .startTLS:
                    guard let tlsContext else {
                        throw SMTPError(.protocolViolation, "SMTP client error: STARTTLS without a TLS context", isTransient: true)
                    }
                    let unreadPlaintext = try await connection.startTLS(context: tlsContext)
                    action = machine.tlsEstablished(unreadPlaintext: unreadPlaintext)
                case .sendMessage:
                    logger.trace("SMTP > message", metadata: ["smtp_octets": "\(message.count)"])
                    try await connection.writeMessage(message, timeout: timeouts.dataBlock)
                    action = machine.receive(try await readReply())
                case .sessionReady, .delivered, .failed, .closeConnection:
                    return action
                }
            }
        } catch {
            await connection.close()
            throw SMTPError.channel(error, server: connection.server, names: connection.names)
        }
    }

    private func readReply(isolation: isolated (any Actor)? = #isolation) async throws -> SMTPReply {
        let step = machine.awaitedStep ?? .command
        let reply = try await connection.readReply(timeout: timeouts[step], step: step)
        logger.trace("SMTP <", metadata: ["smtp_reply": "\(reply.summary)"])
        return reply
    }

    private func end(_ disposition: SMTPClientStateMachine.Disposition, isolation: isolated (any Actor)? = #isolation) async {
        switch disposition {
        case .keep:
            return
        case .quit:
            if case .send(let commands) = machine.quit() {
                let step = SMTPTimeouts.Step.command
                // A short wait: the session is over whatever the server answers.
                let limit = min(timeouts[step], .seconds(5))
                if (try? await connection.write(commands.flatMap(\.bytes), timeout: limit, step: step)) != nil {
                    _ = try? await connection.readReply(timeout: limit, step: step)
                }
            }
            await connection.close()
        case .drop:
            await connection.close()
        }
    }
}
