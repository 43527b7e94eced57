import Foundation
import Hummingbird
import Logging
import MailKit
import Outbox
import SMSRelayConfig
import SMSRelayCore
import Transports

/// Puts a relay together from its settings: outbox, transport, renderer, worker and HTTP server.
///
/// Everything that can be wrong with the settings fails here, before the server listens.
public struct RelayAssembly: Sendable {
    public let settings: RelaySettings
    public let store: SQLiteOutboxStore
    public let worker: DeliveryWorker
    public let intake: CallbackIntake
    /// Whether the webhook token was generated on this start.
    public let tokenGenerated: Bool
    /// The outbox database in the data folder.
    public static let outboxFileName = "outbox.sqlite"

    public init(settings: RelaySettings, logger: Logger) throws {
        self.settings = settings
        // Private: the folder 0700; the database created empty 0600, so its -wal and -shm are 0600 too.
        try DataDirectory.prepare(settings.dataDirectory, privateFiles: [Self.outboxFileName], logger: logger)
        let (token, generated) = try WebhookToken.resolve(
            configured: settings.webhookToken, dataDirectory: settings.dataDirectory)
        tokenGenerated = generated
        intake = CallbackIntake(token: token, maxBodyBytes: settings.maxBodyBytes)
        store = try SQLiteOutboxStore(path: settings.dataDirectory.appendingPathComponent(Self.outboxFileName).path)
        let delivery = try RelayDelivery(settings: settings, logger: logger)
        worker = DeliveryWorker(
            store: store,
            transport: delivery.transport,
            policy: RetryPolicy(
                retryFor: settings.retryFor,
                maxAttempts: settings.maxAttempts,
                baseDelay: settings.retryBaseDelay,
                maxDelay: settings.retryMaxDelay),
            logger: logger,
            compose: delivery.compose
        )
    }

    /// The callback URL to paste into the carrier's settings. It contains the secret token.
    public func callbackURL(port: Int) -> String {
        settings.callbackURL(token: intake.token ?? "", port: port)
    }

    /// The callback URL with the token hidden, for logs.
    public func redactedCallbackURL(port: Int) -> String {
        settings.redactedCallbackURL(token: intake.token ?? "", port: port)
    }

    /// The HTTP server with the delivery worker beside it in its service group.
    public func makeApplication(logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let worker = self.worker
        return RelayServer.makeApplication(
            host: settings.host,
            port: settings.port,
            limits: HTTPEdgeLimits(
                requestTimeout: settings.requestTimeout, idleTimeout: settings.idleTimeout,
                maxConnections: settings.maxConnections),
            intake: intake,
            store: store,
            services: [worker],
            logger: logger,
            onStored: { worker.wake() },
            onServerRunning: onServerRunning)
    }
}
