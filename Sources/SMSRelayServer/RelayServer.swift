import Hummingbird
import Logging
import Outbox
import ServiceLifecycle
import SMSRelayCore

/// Builds the relay's HTTP application: the carrier callback and `GET /healthz`.
public enum RelayServer {
    /// - Parameters:
    ///   - services: run beside the HTTP server in one service group (the delivery worker).
    ///   - onStored: called after each newly stored message.
    ///   - onServerRunning: called with the bound port once the server listens.
    public static func makeApplication(
        host: String,
        port: Int,
        intake: CallbackIntake,
        store: any OutboxStore,
        services: [any Service] = [],
        logger: Logger,
        onStored: @escaping @Sendable () -> Void = {},
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        IntakeRoutes(intake: intake, store: store, onStored: onStored).register(on: router)
        router.get("/healthz") { _, context in
            do {
                let counts = try await store.counts()
                return JSONResponse.make(.ok, [
                    "status": "ok",
                    "version": SMSRelayVersion.current,
                    "outbox": [
                        "pending": counts.pending, "sent": counts.sent, "dead": counts.dead, "receipts": counts.receipts,
                    ] as [String: any Sendable],
                ])
            } catch {
                context.logger.error("health check cannot read the outbox", metadata: ["error": "\(error)"])
                return JSONResponse.make(.serviceUnavailable, ["status": "error", "error": "outbox unreadable"])
            }
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
