import Foundation
import Logging
import MailKit
import NIOCore
import NIOPosix
import NIOSSL

/// Delivers email to any SMTP server: STARTTLS or implicit TLS, AUTH PLAIN or LOGIN, PIPELINING,
/// SIZE and 8BITMIME when the server offers them.
///
/// The transport keeps a small pool of authenticated connections, at most ``maxConnections``, and
/// sends one message at a time over each: up to that many messages are in flight at once, and a
/// connection is opened only when every open one is busy. After ``SMTPConfiguration/idleTimeout``
/// without a message it says QUIT on them. A connection the server closed while idle is replaced;
/// one found dead before the server accepted MAIL FROM is replaced once, quietly, and the message
/// tried again. Call ``shutdown()`` to say QUIT and close them.
///
/// Errors are ``MailTransportError``s: 4xx replies and connection, timeout and TLS failures are
/// transient; 5xx replies are permanent and quote the server. Refused credentials and an
/// untrusted certificate are neither: they pause the transport (see ``SMTPCircuitBreaker``) and
/// every message meanwhile fails as ``MailTransportError/Kind/suspended``, without a connection.
public actor SMTPTransport: MailTransport {
    public nonisolated let name = "smtp"
    public nonisolated let configuration: SMTPConfiguration
    public nonisolated let timeouts: SMTPTimeouts
    public nonisolated let reuseConnections: Bool
    /// The most connections open, and so messages in flight, at once.
    public nonisolated let maxConnections: Int

    private let logger: Logger
    private let group: any EventLoopGroup
    private var tlsContext: NIOSSLContext?
    /// Open connections no send is using, the most recently used last.
    private var idle: [SMTPSession] = []
    private var isShutDown = false
    /// Sends (or a shutdown) under way: each holds one of ``maxConnections`` permits.
    private var inUse = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Whether a connection was opened since the transport started or the server last refused
    /// the relay. Until then connections are opened one at a time, so that wrong credentials cost
    /// one failed login however many messages are in flight.
    private var proven = false
    private var openingUnproven = false
    private var openWaiters: [CheckedContinuation<Void, Never>] = []
    private var breaker: SMTPCircuitBreaker
    /// Says QUIT once the session has been idle for the configured time; replaced after each send.
    private var idleTimer: Task<Void, Never>?
    private var idleGeneration = 0

    /// - Parameters:
    ///   - configuration: the server and credentials, from ``SMTPConfiguration/init(config:)`` or given in code.
    ///   - timeouts: time limits; RFC 5321's by default.
    ///   - reuseConnections: keep the session open between messages (the default) or open one per message.
    ///   - maxConnections: the most connections open, and messages in flight, at once (at least 1).
    ///   - logger: for connection events; commands and replies at `trace`, never a password.
    ///   - eventLoopGroup: where the connection runs.
    public init(
        configuration: SMTPConfiguration,
        timeouts: SMTPTimeouts = .init(),
        reuseConnections: Bool = true,
        maxConnections: Int = 1,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.init(
            configuration: configuration, timeouts: timeouts, reuseConnections: reuseConnections,
            maxConnections: maxConnections, pauses: .init(), logger: logger, eventLoopGroup: eventLoopGroup)
    }

    /// As the public initialiser, with the circuit breaker's pauses chosen (tests use short ones).
    init(
        configuration: SMTPConfiguration,
        timeouts: SMTPTimeouts = .init(),
        reuseConnections: Bool = true,
        maxConnections: Int = 1,
        pauses: SMTPCircuitBreaker.Policy,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.timeouts = timeouts
        self.reuseConnections = reuseConnections
        self.maxConnections = max(1, maxConnections)
        self.breaker = SMTPCircuitBreaker(policy: pauses)
        self.group = eventLoopGroup
        var logger = logger
        logger[metadataKey: "smtp_server"] = "\(SMTPConnection.serverName(host: configuration.host, port: configuration.port))"
        self.logger = logger
    }

    /// Sends `email` to every address in its `To`. Recipients the server refused while it took the
    /// message for others are listed in the receipt's `rejectedRecipients`.
    public func send(_ email: Email) async throws -> MailReceipt {
        try await send(message: MIMEWriter.render(email), sender: email.from.address, recipients: email.to.map(\.address))
    }

    /// Sends RFC 5322 bytes as they are (line endings are normalised and dots stuffed on the way).
    func send(message: [UInt8], sender: String, recipients: [String]) async throws(MailTransportError) -> MailReceipt {
        await acquire()
        defer { release() }
        cancelIdleTimer()
        if let pause = breaker.remainingPause(at: .now), let reason = breaker.reason {
            throw Self.paused(by: reason, for: pause)
        }
        do {
            let receipt = try await deliver(message, sender: sender, recipients: recipients)
            if breaker.close() {
                logger.notice("the SMTP server accepts the relay again; delivery resumes")
            }
            startIdleTimer()
            return receipt
        } catch where SMTPCircuitBreaker.trips(on: error) {
            proven = false
            if let pause = breaker.remainingPause(at: .now) {
                // Another send in flight tripped the breaker for the same reason meanwhile.
                throw Self.paused(by: error, for: pause)
            }
            let opening = breaker.open(after: error, at: .now)
            let metadata: Logger.Metadata = ["error": "\(error.message)", "pause": "\(Self.describe(opening.pause))"]
            if opening.isFirst {
                logger.error(
                    "SMTP delivery is paused: every message would fail the same way, and repeated failed logins can lock the account; messages stay pending and are sent once this is fixed",
                    metadata: metadata)
            } else {
                logger.debug("SMTP server still refuses the relay; delivery stays paused", metadata: metadata)
            }
            throw Self.paused(by: error, for: opening.pause)
        } catch {
            startIdleTimer()
            throw error.mailTransportError
        }
    }

    /// Waits for the sends under way, then says QUIT on the open connections and closes them.
    /// Later sends fail (transiently).
    public func shutdown() async {
        isShutDown = true
        cancelIdleTimer()
        // Every permit: the sends under way finish first.
        for _ in 0..<maxConnections { await acquire() }
        defer { for _ in 0..<maxConnections { release() } }
        let sessions = idle
        idle = []
        for session in sessions { await session.quit() }
    }

    private func deliver(_ message: [UInt8], sender: String, recipients: [String]) async throws(SMTPError) -> MailReceipt {
        guard !isShutDown else {
            throw SMTPError(.connectionClosed, "the SMTP transport was shut down", isTransient: true)
        }
        let body = DotStuffing(message)
        let envelope = SMTPEnvelope(sender: sender, recipients: recipients, body: body)
        var retried = false
        while true {
            let (current, reused) = try await readySession()
            do {
                let delivery = try await current.deliver(envelope, body: body)
                if reuseConnections, !isShutDown {
                    idle.append(current)
                } else {
                    await current.quit()
                }
                if !delivery.rejected.isEmpty {
                    logger.notice("SMTP server refused some recipients", metadata: [
                        "smtp_refused": "\(delivery.rejected.count)", "smtp_accepted": "\(delivery.accepted.count)",
                    ])
                }
                return MailReceipt(
                    transportMessageID: Self.queueID(in: delivery.reply), rejectedRecipients: delivery.rejected,
                    answer: delivery.reply.summary)
            } catch {
                let reusable = await current.isReusable()
                if reused, !retried, !current.mailAccepted, error.code == .connectionClosed {
                    if !reusable { await current.connection.close() } else { idle.append(current) }
                    logger.debug("reused SMTP connection was dead; reconnecting", metadata: ["smtp_error": "\(error.message)"])
                    retried = true
                    continue
                }
                if reusable, reuseConnections, !isShutDown {
                    idle.append(current)
                } else if reusable {
                    await current.quit()
                } else {
                    await current.connection.close()
                }
                throw error
            }
        }
    }

    /// An idle session that can still be used, else a new one. The session is the caller's
    /// until it puts it back in ``idle``.
    private func readySession() async throws(SMTPError) -> (SMTPSession, reused: Bool) {
        while let session = idle.popLast() {
            if await session.isReusable() {
                return (session, true)
            }
            logger.debug("SMTP connection closed while idle; reconnecting")
            await session.connection.close()
        }
        let unproven = !proven
        if unproven {
            while openingUnproven {
                await withCheckedContinuation { openWaiters.append($0) }
            }
            if !proven, let reason = breaker.reason, breaker.remainingPause(at: .now) != nil {
                // The connection opened meanwhile was refused: this one would be too.
                throw reason
            }
            openingUnproven = true
        }
        defer {
            if unproven {
                openingUnproven = false
                let waiters = openWaiters
                openWaiters = []
                for waiter in waiters { waiter.resume() }
            }
        }
        let context = try makeTLSContext()
        let opened = try await SMTPSession.open(
            configuration: configuration,
            tlsContext: context,
            timeouts: timeouts,
            group: group,
            logger: logger
        )
        proven = true
        return (opened, false)
    }

    private func makeTLSContext() throws(SMTPError) -> NIOSSLContext? {
        guard configuration.tls != .none else { return nil }
        if let tlsContext {
            return tlsContext
        }
        do {
            let context = try configuration.makeTLSContext()
            tlsContext = context
            return context
        } catch {
            throw SMTPError.invalidConfiguration("cannot set up TLS for the SMTP server: \(error); check \(configuration.names.caFile)")
        }
    }

    // MARK: - Idle sessions

    /// After a send, QUIT the idle sessions if no other message comes within the idle limit, so
    /// that the server does not hold a process for us until its own timeout.
    private func startIdleTimer() {
        guard !idle.isEmpty, inUse <= 1 else { return }
        idleGeneration += 1
        let generation = idleGeneration
        let limit = configuration.idleTimeout
        idleTimer = Task {
            try? await Task.sleep(for: limit)
            guard !Task.isCancelled else { return }
            await self.quitIfIdle(generation: generation)
        }
    }

    private func cancelIdleTimer() {
        idleGeneration += 1
        idleTimer?.cancel()
        idleTimer = nil
    }

    private func quitIfIdle(generation: Int) async {
        guard generation == idleGeneration, inUse == 0, !idle.isEmpty else { return }
        let sessions = idle
        idle = []
        idleTimer = nil
        logger.debug(
            "SMTP connections idle; saying QUIT",
            metadata: ["smtp_idle_seconds": "\(configuration.idleTimeout.components.seconds)", "smtp_connections": "\(sessions.count)"])
        for session in sessions { await session.quit() }
    }

    /// What a send meets while the breaker is open: the cause, and when the next try comes.
    private static func paused(by reason: SMTPError, for pause: Duration) -> MailTransportError {
        .suspended("\(reason.message) (SMTP delivery is paused; the next try is in \(describe(pause)))", retryAfter: pause)
    }

    /// `45 s`, `2 min`, `1 h`.
    static func describe(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds >= 3600, seconds % 3600 == 0 { return "\(seconds / 3600) h" }
        if seconds >= 60, seconds % 60 == 0 { return "\(seconds / 60) min" }
        return "\(max(seconds, 1)) s"
    }

    /// The queue id in a reply such as `250 2.0.0 Ok: queued as 4BQ1xH5sT9z`, if the server gave one.
    static func queueID(in reply: SMTPReply) -> String? {
        let text = reply.lines.joined(separator: " ")
        guard let range = text.range(of: "queued as ", options: .caseInsensitive) else { return nil }
        let id = text[range.upperBound...].prefix { !$0.isWhitespace && $0 != ")" && $0 != ";" && $0 != "," }
        return id.isEmpty ? nil : String(id)
    }

    // MARK: - One send per connection

    /// Actor methods interleave at every await; these permits keep at most ``maxConnections``
    /// sends under way, one per connection, and hand the next permit out in arrival order.
    private func acquire() async {
        guard inUse >= maxConnections else {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            inUse -= 1
        } else {
            // The permit passes to the next in line.
            waiting.removeFirst().resume()
        }
    }
}
