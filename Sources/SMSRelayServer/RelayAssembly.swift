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

    public init(settings: RelaySettings, logger: Logger) throws {
        self.settings = settings
        do {
            try FileManager.default.createDirectory(at: settings.dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConfigError("cannot create data folder \(settings.dataDirectory.path): \(error.localizedDescription)")
        }
        let (token, generated) = try WebhookToken.resolve(
            configured: settings.webhookToken, dataDirectory: settings.dataDirectory)
        tokenGenerated = generated
        intake = CallbackIntake(token: token, maxBodyBytes: settings.maxBodyBytes)
        store = try SQLiteOutboxStore(path: settings.dataDirectory.appendingPathComponent("outbox.sqlite").path)
        let delivery = try RelayDelivery(settings: settings, logger: logger)
        worker = DeliveryWorker(
            store: store,
            transport: delivery.transport,
            policy: RetryPolicy(
                maxAttempts: settings.maxAttempts,
                baseDelay: settings.retryBaseDelay,
                maxDelay: settings.retryMaxDelay),
            logger: logger,
            compose: delivery.compose
        )
    }

    /// The callback URL to paste into the carrier's settings. It contains the secret token.
    public func callbackURL(port: Int) -> String {
        var base = settings.publicURL
        if settings.port != port, base.hasSuffix(":\(settings.port)") {
            base = String(base.dropLast("\(settings.port)".count)) + "\(port)"
        }
        return "\(base)/flowroute/\(intake.token ?? "")"
    }

    /// The HTTP server with the delivery worker beside it in its service group.
    public func makeApplication(logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let worker = self.worker
        return RelayServer.makeApplication(
            host: settings.host,
            port: settings.port,
            intake: intake,
            store: store,
            services: [worker],
            logger: logger,
            onStored: { worker.wake() },
            onServerRunning: onServerRunning)
    }
}
