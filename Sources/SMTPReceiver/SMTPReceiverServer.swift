import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// An embedded ESMTP server that takes mail for the addresses its ``SMTPReceiverDelegate``
/// accepts, and nothing else: no relaying, no AUTH.
///
/// Run it in a `ServiceGroup`. It listens on ``SMTPReceiverConfiguration/host`` and
/// ``SMTPReceiverConfiguration/port`` (``boundPort`` tells the port once it listens), offers
/// STARTTLS when a certificate is configured, and keeps the limits of its configuration. On
/// graceful shutdown it stops accepting, lets sessions in the middle of a message finish (for at
/// most ``SMTPReceiverConfiguration/shutdownGracePeriod``) and closes the others with `421`.
///
/// It logs each connection's client address and, at info, each message's HELO name and envelope
/// sender; never a message's content.
public final class SMTPReceiverServer: Service, Sendable {
    public let configuration: SMTPReceiverConfiguration
    private let delegate: any SMTPReceiverDelegate
    private let logger: Logger
    private let group: any EventLoopGroup
    private let certificates: SMTPCertificateStore?
    private let registry: SMTPConnectionRegistry
    private let listening = SMTPListeningPort()

    /// Checks the configuration and reads the certificate, if any; throws an ``SMTPReceiverError``
    /// when either is unusable.
    public init(
        configuration: SMTPReceiverConfiguration,
        delegate: any SMTPReceiverDelegate,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(SMTPReceiverError) {
        try configuration.validate()
        self.configuration = configuration
        self.delegate = delegate
        self.logger = logger
        self.group = eventLoopGroup
        self.certificates = try configuration.tls.map { files throws(SMTPReceiverError) in
            try SMTPCertificateStore(files, logger: logger)
        }
        self.registry = SMTPConnectionRegistry(
            maximumConnections: configuration.maximumConnections,
            maximumPerAddress: configuration.maximumConnectionsPerAddress
        )
    }

    /// The port the server listens on, once it does (the one the system chose for port `0`).
    /// Throws if ``run()`` failed to listen, or has ended.
    public var boundPort: Int {
        get async throws { try await listening.value }
    }

    /// The connections open now.
    public var connectionCount: Int { registry.count }

    /// Reads the certificate and key files again, for new STARTTLS sessions (call it on SIGHUP).
    /// Returns `false`, logs why and keeps the old certificate if the files cannot be used, or
    /// when no TLS is configured.
    @discardableResult
    public func reloadCertificates() -> Bool {
        certificates?.reload() ?? false
    }

    public func run() async throws {
        let (questions, asker) = AsyncStream.makeStream(of: SMTPDelegateQuestion.self)
        let server: any Channel
        do {
            server = try await bootstrap(asker).bind(host: configuration.host, port: configuration.port).get()
        } catch {
            let failure = SMTPReceiverError(
                .bindFailed,
                "SMTP receiver cannot listen on \(configuration.host):\(configuration.port): \(error); check that the address is this host's and the port is free"
            )
            listening.failed(failure)
            asker.finish()
            throw failure
        }
        let port = server.localAddress?.port ?? configuration.port
        listening.bound(port)
        logger.info("SMTP receiver listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        await withDiscardingTaskGroup { group in
            group.addTask { await self.answer(questions) }
            await Self.serve(server)
            await drain()
            asker.finish()
        }
        listening.failed(SMTPReceiverError(.notRunning, "SMTP receiver has stopped"))
        logger.info("SMTP receiver stopped")
    }

    private func bootstrap(_ asker: AsyncStream<SMTPDelegateQuestion>.Continuation) -> ServerBootstrap {
        let settings = SMTPServerStateMachine.Settings(configuration)
        let timeouts = SMTPServerHandler.Timeouts(command: configuration.commandTimeout, data: configuration.dataTimeout)
        var tlsContext: (@Sendable () -> NIOSSLContext)?
        if let certificates {
            tlsContext = { certificates.current }
        }
        let registry = self.registry
        let logger = self.logger
        let currentTLSContext = tlsContext
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let address = channel.remoteAddress?.ipAddress ?? "unknown"
                    let admission = registry.admit(channel, address: address)
                    if admission == .accepted {
                        logger.debug("SMTP connection accepted", metadata: ["client_address": "\(address)"])
                    } else {
                        logger.notice("SMTP connection refused", metadata: ["client_address": "\(address)", "reason": "\(admission)"])
                    }
                    let handler = SMTPServerHandler(
                        settings: settings, clientAddress: address, admission: admission, timeouts: timeouts,
                        tlsContext: currentTLSContext, logger: logger
                    ) { question in
                        if case .terminated = asker.yield(question) {
                            question.answer(.temporaryFailure("Server shutting down, try again later"))
                        }
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
    }

    /// Asks the delegate each question, many at once, until the stream ends and all are answered.
    private func answer(_ questions: AsyncStream<SMTPDelegateQuestion>) async {
        let delegate = self.delegate
        await withDiscardingTaskGroup { group in
            for await question in questions {
                group.addTask { await question.ask(delegate) }
            }
        }
    }

    /// Until graceful shutdown or cancellation: then the listening socket is closed.
    private static func serve(_ server: any Channel) async {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await server.closeFuture.get()
            } onGracefulShutdown: {
                server.close(promise: nil)
            }
        } onCancel: {
            server.close(promise: nil)
        }
    }

    /// Tells every open session the server is stopping and waits, at most the grace period, for
    /// them to close; then closes what is left.
    private func drain() async {
        let open = registry.beginShutdown()
        guard !open.isEmpty else { return }
        logger.info("SMTP receiver closing its connections", metadata: ["connection_count": "\(open.count)"])
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(SMTPServerHandler.Shutdown())
        }
        let closed = EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: group.next())
        let grace = configuration.shutdownGracePeriod
        await withTaskGroup(of: Bool.self) { race in
            race.addTask {
                try? await closed.get()
                return true
            }
            race.addTask {
                try? await Task.sleep(for: grace)
                return false
            }
            if await race.next() == false {
                for channel in open { channel.close(promise: nil) }
            }
            race.cancelAll()
        }
    }
}
