import Foundation
import Logging
import MailKit
import NIOCore
import NIOPosix
import NIOSSL

/// Delivers email to any SMTP server: STARTTLS or implicit TLS, AUTH PLAIN or LOGIN, PIPELINING,
/// SIZE and 8BITMIME when the server offers them.
///
/// The transport keeps one authenticated connection and sends message after message over it,
/// one at a time. After ``SMTPConfiguration/idleTimeout`` without a message it says QUIT. A
/// connection the server closed while idle is replaced; one found dead before the server accepted
/// MAIL FROM is replaced once, quietly, and the message tried again. Call ``shutdown()`` to say
/// QUIT and close it.
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

    private let logger: Logger
    private let group: any EventLoopGroup
    private var tlsContext: NIOSSLContext?
    private var session: SMTPSession?
    private var isShutDown = false
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var breaker: SMTPCircuitBreaker
    /// Says QUIT once the session has been idle for the configured time; replaced after each send.
    private var idleTimer: Task<Void, Never>?
    private var idleGeneration = 0

    /// - Parameters:
    ///   - configuration: the server and credentials, from ``SMTPConfiguration/init(config:)`` or given in code.
    ///   - timeouts: time limits; RFC 5321's by default.
    ///   - reuseConnections: keep the session open between messages (the default) or open one per message.
    ///   - logger: for connection events; commands and replies at `trace`, never a password.
    ///   - eventLoopGroup: where the connection runs.
    public init(
        configuration: SMTPConfiguration,
        timeouts: SMTPTimeouts = .init(),
        reuseConnections: Bool = true,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.init(
            configuration: configuration, timeouts: timeouts, reuseConnections: reuseConnections,
            pauses: .init(), logger: logger, eventLoopGroup: eventLoopGroup)
    }

    /// As the public initialiser, with the circuit breaker's pauses chosen (tests use short ones).
    init(
        configuration: SMTPConfiguration,
        timeouts: SMTPTimeouts = .init(),
        reuseConnections: Bool = true,
        pauses: SMTPCircuitBreaker.Policy,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.timeouts = timeouts
        self.reuseConnections = reuseConnections
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

    /// Says QUIT on the open connection, if any, and closes it. Later sends fail (transiently).
    public func shutdown() async {
        await acquire()
        defer { release() }
        isShutDown = true
        cancelIdleTimer()
        if let session {
            self.session = nil
            await session.quit()
        }
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
                if !reuseConnections {
                    session = nil
                    await current.quit()
                }
                if !delivery.rejected.isEmpty {
                    logger.notice("SMTP server refused some recipients", metadata: [
                        "smtp_refused": "\(delivery.rejected.count)", "smtp_accepted": "\(delivery.accepted.count)",
                    ])
                }
                return MailReceipt(transportMessageID: Self.queueID(in: delivery.reply), rejectedRecipients: delivery.rejected)
            } catch {
                if await !current.isReusable() {
                    session = nil
                    await current.connection.close()
                }
                if reused, !retried, !current.mailAccepted, error.code == .connectionClosed {
                    logger.debug("reused SMTP connection was dead; reconnecting", metadata: ["smtp_error": "\(error.message)"])
                    retried = true
                    continue
                }
                if !reuseConnections, session != nil {
                    session = nil
                    await current.quit()
                }
                throw error
            }
        }
    }

    /// The open session if it can still be used, else a new one.
    private func readySession() async throws(SMTPError) -> (SMTPSession, reused: Bool) {
        if let session {
            if await session.isReusable() {
                return (session, true)
            }
            logger.debug("SMTP connection closed while idle; reconnecting")
            self.session = nil
            await session.connection.close()
        }
        let context = try makeTLSContext()
        let opened = try await SMTPSession.open(
            configuration: configuration,
            tlsContext: context,
            timeouts: timeouts,
            group: group,
            logger: logger
        )
        session = opened
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

    /// After a send, QUIT the session if no other message comes within the idle limit, so that
    /// the server does not hold a process for us until its own timeout.
    private func startIdleTimer() {
        guard session != nil else { return }
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
        await acquire()
        defer { release() }
        guard generation == idleGeneration, let session else { return }
        self.session = nil
        idleTimer = nil
        logger.debug("SMTP connection idle; saying QUIT", metadata: ["smtp_idle_seconds": "\(configuration.idleTimeout.components.seconds)"])
        await session.quit()
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

    // MARK: - One send at a time

    /// Actor methods interleave at every await; this queue keeps one send (or shutdown) on the
    /// connection at a time, in arrival order.
    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
