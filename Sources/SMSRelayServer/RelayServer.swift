import Hummingbird
import Logging
import ServiceLifecycle
import SMSRelayIntake

/// Builds the relay's HTTP application: the carrier callbacks and `GET /healthz`.
public enum RelayServer {
    /// - Parameters:
    ///   - limits: request and idle timeouts and the connection limit of the HTTP edge.
    ///   - sink: where accepted callbacks go (the outbox).
    ///   - health: the body of `GET /healthz` beside `status: ok`; a throw answers 503 with the
    ///     error's description, which must be safe to show.
    ///   - services: run beside the HTTP server in one service group (the delivery worker).
    ///   - onServerRunning: called with the bound port once the server listens.
    public static func makeApplication(
        host: String,
        port: Int,
        limits: HTTPEdgeLimits = HTTPEdgeLimits(),
        intakes: [CallbackIntake],
        sink: some CallbackSink,
        health: @escaping @Sendable () async throws -> [String: any Sendable] = { [:] },
        services: [any Service] = [],
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: CallbackRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        IntakeRoutes(intakes: intakes, sink: sink).register(on: router)
        router.get("/healthz") { _, context in
            await HealthRoute.answer(health, logger: context.logger)
        }
        let registry = ConnectionRegistry(limit: limits.maxConnections)
        let app = Application(
            router: router,
            server: .guardedHTTP1(limits: limits, registry: registry, logger: logger),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
        // Connections share the open-file limit with what is open now (the event loops exist
        // once the application does, the outbox is open): a limit past it would fail accepts
        // instead of replacing idle connections.
        let fileLimit = OpenFileLimit.current
        let fitting = OpenFileLimit.connections(
            configured: limits.maxConnections, fileLimit: fileLimit, open: OpenFileLimit.openNow)
        if fitting < limits.maxConnections {
            registry.limit = fitting
            logger.notice(
                "the open-file limit leaves room for fewer connections than configured",
                metadata: [
                    "open_file_limit": "\(fileLimit ?? 0)", "max_connections": "\(fitting)",
                    "configured": "\(limits.maxConnections)",
                ])
        }
        return app
    }
}
