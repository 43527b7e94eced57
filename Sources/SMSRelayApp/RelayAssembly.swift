import Foundation
import Hummingbird
import Logging
import Metrics
import Outbox
import SMSRelayCore
import SMSRelayIntake
import SMSRelayServer
import SMTPReceiver
import ServiceLifecycle
import Synchronization
import SMSRelayLambdaApp

/// Puts a relay together from its settings: outbox, transport, renderer, worker and HTTP server.
///
/// Everything that can be wrong with the settings fails here, before the server listens.
public struct RelayAssembly: Sendable {
    public let settings: RelaySettings
    public let store: any OutboxStore
    public let worker: DeliveryWorker
    /// One intake per carrier that is on (`SMSRELAY_CARRIERS`), each at `/<carrier>/<token>`.
    public let intakes: [CallbackIntake]
    /// The webhook token every callback URL ends with.
    public let token: String
    public let components: RelayComponents
    /// Whether the webhook token was generated on this start.
    public let tokenGenerated: Bool
    /// The key of the reply addresses, when replies are on.
    let replySecret: String?
    /// The embedded SMTP receiver for the reply domain, when it is configured.
    public let replyReceiver: SMTPReceiverServer?
    /// The outbox database in the data folder.
    public static let outboxFileName = "outbox.sqlite"
    /// Every figure recorded while the relay runs inside `withMetricsFactory(metrics.factory)`.
    public let metrics = PrometheusMetrics()
    /// The public port, once the HTTP server listens: the admin page shows the callback URL with it.
    public let publicPort = BoundPort()

    public init(settings: RelaySettings, logger: Logger) async throws {
        self.settings = settings
        // Private: the folder 0700; the database created empty 0600, so its -wal and -shm are 0600 too.
        try DataDirectory.prepare(
            settings.dataDirectory, privateFiles: settings.databaseURL == nil ? [Self.outboxFileName] : [], logger: logger)
        let (token, generated) = try WebhookToken.resolve(
            configured: settings.webhookToken, dataDirectory: settings.dataDirectory)
        tokenGenerated = generated
        self.token = token
        intakes = settings.carriers.intakes(
            token: token, maxBodyBytes: settings.maxBodyBytes, publicURL: settings.isPublicURLConfigured ? settings.publicURL : nil)
        if settings.carriers.enabled.contains(.twilio), !settings.isPublicURLConfigured {
            logger.warning(
                "Twilio signs the URL it requests, and SMSRELAY_PUBLIC_URL is not set: the relay rebuilds it from each request's Host header, which a proxy in front must pass on unchanged")
        }
        let store = try await OutboxOpener.openForServer(settings, logger: logger)
        self.store = store
        replySecret = settings.replies.isEnabled
            ? try ReplySecret.resolve(configured: settings.replies.secret, dataDirectory: settings.dataDirectory)
            : nil
        components = try RelayComponents(settings: settings, logger: logger, replySecret: replySecret)
        let policy = RetryPolicy(
            retryFor: settings.retryFor,
            maxAttempts: settings.maxAttempts,
            baseDelay: settings.retryBaseDelay,
            maxDelay: settings.retryMaxDelay)
        let folder = settings.media.fetch ? try MediaFolder(dataDirectory: settings.dataDirectory) : nil
        worker = DeliveryWorker(
            store: store,
            transport: components.transport,
            policy: policy,
            // Enough in each claim to keep every lane busy.
            batchSize: max(50, 4 * settings.deliveryConcurrency),
            lease: settings.outboxLease,
            concurrency: settings.deliveryConcurrency,
            logger: logger,
            media: components.mediaCollector(folder: folder, policy: policy),
            replies: ReplyDispatch(
                senders: components.senders,
                deliveryReceiptURL: { [settings] carrier in
                    guard settings.isPublicURLConfigured, let carrier = Carrier(rawValue: carrier) else { return nil }
                    return settings.callbackURL(token: token, carrier: carrier)
                },
                confirm: settings.replies.confirm,
                composeNotice: components.composeNotice),
            compose: components.compose
        )
        if let receiving = settings.replies.receiver, let domain = settings.replies.domain, let secret = replySecret,
           let codec = components.codec
        {
            var receiverLogger = logger
            receiverLogger[metadataKey: "component"] = "smtp-receiver"
            let worker = self.worker
            let delegate = ReplyReceiverDelegate(
                codec: codec, intake: try ReplyIntake(settings: settings, secret: secret, store: store),
                onStored: { worker.wake() }, logger: receiverLogger)
            do {
                replyReceiver = try SMTPReceiverServer(
                    configuration: receiving.configuration(domain: domain), delegate: delegate, logger: receiverLogger)
            } catch {
                throw ConfigError(
                    "the SMTP receiver (\(SettingKey.replySMTPListen.environmentName), \(SettingKey.replyTLSCert.environmentName), "
                        + "\(SettingKey.replyTLSKey.environmentName)) cannot start: \(error)")
            }
        } else {
            replyReceiver = nil
        }
    }

    /// The callback URL to paste into the carrier's settings. It contains the secret token.
    public func callbackURL(port: Int, carrier: Carrier = .flowroute) -> String {
        settings.callbackURL(token: token, port: port, carrier: carrier)
    }

    /// The callback URL with the token hidden, for logs.
    public func redactedCallbackURL(port: Int, carrier: Carrier = .flowroute) -> String {
        settings.redactedCallbackURL(token: token, port: port, carrier: carrier)
    }

    /// The HTTP server with the delivery worker beside it in its service group.
    public func makeApplication(logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let worker = self.worker
        let store = self.store
        return RelayServer.makeApplication(
            host: settings.host,
            port: settings.port,
            limits: HTTPEdgeLimits(
                requestTimeout: settings.requestTimeout, idleTimeout: settings.idleTimeout,
                maxConnections: settings.maxConnections),
            intakes: intakes,
            sink: OutboxSink(store: store, onStored: { worker.wake() }),
            health: { try await Self.health(store, logger: logger) },
            services: services(logger: logger),
            logger: logger,
            onServerRunning: onServerRunning)
    }

    /// What runs beside the HTTP server: the worker, and the SMTP receiver with its certificate reloader.
    private func services(logger: Logger) -> [any Service] {
        var services: [any Service] = [worker]
        if let replyReceiver {
            services.append(replyReceiver)
            if replyReceiver.configuration.tls != nil {
                services.append(CertificateReloader(receiver: replyReceiver, logger: logger))
            }
        }
        return services
    }

    /// The admin listener (`/metrics`, `/healthz`), when `SMSRELAY_ADMIN_LISTEN` is set.
    public func makeAdminApplication(
        logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> (any Service)? {
        guard let address = settings.adminListen else { return nil }
        let (store, metrics, worker) = (self.store, self.metrics, self.worker)
        let page = settings.adminPasswordHash.map { hash in
            let (publicPort, settings, token) = (self.publicPort, self.settings, token)
            return (
                data: OutboxAdminData(store: store, wake: { worker.wake() }) as any AdminData,
                settings: AdminPageSettings(
                    passwordHash: hash, callbackURLs: {
                        guard let port = publicPort.value else { return [] }
                        return settings.carriers.enabled.map { ($0.displayName, settings.callbackURL(token: token, port: port, carrier: $0)) }
                    }),
                version: SMSRelayVersion.current)
        }
        return AdminServer.makeApplication(
            host: address.host,
            port: address.port,
            metrics: {
                await Self.recordOutboxGauges(store, into: metrics.factory, logger: logger)
                return (PrometheusMetrics.contentType, metrics.exposition())
            },
            health: { try await Self.health(store, logger: logger) },
            page: page,
            logger: logger,
            onServerRunning: onServerRunning)
    }

    /// `smsrelay_outbox_messages` and `smsrelay_outbox_oldest_pending_age_seconds`, read from the
    /// outbox at each scrape (so that every relay sharing one reports the same). An outbox that
    /// cannot be read leaves the last figures and is logged.
    static func recordOutboxGauges(_ store: any OutboxStore, into factory: any MetricsFactory, logger: Logger, now: Date = Date()) async {
        let counts: OutboxCounts
        do {
            counts = try await store.counts()
        } catch {
            logger.error("metrics cannot read the outbox", metadata: ["error": "\(error)"])
            return
        }
        for (status, n) in [("pending", counts.pending), ("sent", counts.sent), ("dead", counts.dead)] {
            Gauge(label: RelayMetric.outboxMessages.name, dimensions: [("status", status)], factory: factory).record(n)
        }
        let age = counts.oldestPendingSince.map { max(0, now.timeIntervalSince($0)) } ?? 0
        Gauge(label: RelayMetric.outboxOldestPendingAge.name, factory: factory).record(age)
    }

    /// `smsrelay_build_info{version}` 1.
    func recordBuildInfo() {
        Gauge(label: RelayMetric.buildInfo.name, dimensions: [("version", SMSRelayVersion.current)], factory: metrics.factory).record(1)
    }

    /// The body of `GET /healthz`: the version and the outbox counts.
    static func health(_ store: any OutboxStore, logger: Logger) async throws -> [String: any Sendable] {
        let counts: OutboxCounts
        do {
            counts = try await store.counts()
        } catch {
            logger.error("health check cannot read the outbox", metadata: ["error": "\(error)"])
            throw HealthFailure.outboxUnreadable
        }
        return [
            "version": SMSRelayVersion.current,
            "outbox": [
                "pending": counts.pending, "sent": counts.sent, "dead": counts.dead, "receipts": counts.receipts,
            ] as [String: any Sendable],
        ]
    }
}

/// What `GET /healthz` says when it cannot answer; safe to show.
enum HealthFailure: Error, CustomStringConvertible {
    case outboxUnreadable

    var description: String { "outbox unreadable" }
}

/// A port known once a server listens.
public final class BoundPort: Sendable {
    private let port = Mutex<Int?>(nil)

    public init() {}

    public var value: Int? { port.withLock { $0 } }

    func set(_ value: Int) { port.withLock { $0 = value } }
}
