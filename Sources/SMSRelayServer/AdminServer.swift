import Hummingbird
import Logging
import NIOCore

/// The admin listener (`SMSRELAY_ADMIN_LISTEN`): `/metrics` in Prometheus's text format and
/// `/healthz`, on an address of its own, never on the public callback port, and with a password
/// the admin page (``AdminRoutes``). Off unless configured; meant for loopback or a private
/// network, where Prometheus scrapes it.
public enum AdminServer {
    /// At most this many admin connections at once; a scraper needs one or two.
    static let maxConnections = 16

    public static func makeApplication(
        host: String,
        port: Int,
        metrics: @escaping @Sendable () async -> (contentType: String, body: [UInt8]),
        health: @escaping @Sendable () async throws -> [String: any Sendable],
        page: (data: any AdminData, settings: AdminPageSettings, version: String)? = nil,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        router.get("/metrics") { _, _ in
            let (contentType, body) = await metrics()
            return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("/healthz") { _, context in
            await HealthRoute.answer(health, logger: context.logger)
        }
        if let page {
            AdminRoutes(data: page.data, settings: page.settings, version: page.version).register(on: router)
        }
        let limits = HTTPEdgeLimits(requestTimeout: .seconds(10), idleTimeout: .seconds(60), maxConnections: maxConnections)
        return Application(
            router: router,
            server: .guardedHTTP1(limits: limits, registry: ConnectionRegistry(limit: maxConnections), logger: logger),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}

/// `GET /healthz`: `{"status": "ok", …}`, or 503 with what is wrong.
enum HealthRoute {
    static func answer(_ health: @Sendable () async throws -> [String: any Sendable], logger: Logger) async -> Response {
        do {
            var body = try await health()
            body["status"] = "ok"
            return JSONResponse.make(.ok, body)
        } catch {
            logger.error("health check failed", metadata: ["error": "\(error)"])
            return JSONResponse.make(.serviceUnavailable, ["error": .string("\(error)"), "status": .string("error")])
        }
    }
}
