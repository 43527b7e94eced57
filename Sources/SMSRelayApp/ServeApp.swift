import Foundation
import Hummingbird
import Logging
import Metrics
import SMSRelayCore
import SMSRelayServer
import SMTPReceiver
import ServiceLifecycle
import Synchronization
import SMSRelayLambdaApp

/// `smsrelay serve`: the HTTP intake, the outbox and the delivery worker in one service group.
public enum ServeApp {
    /// The longest a graceful stop may take before what is left is cancelled. Requests still
    /// arriving get 5 s of it; the worker finishes the message in hand.
    public static let maximumShutdownDuration: Duration = .seconds(12)

    /// Starts the relay and runs it until SIGTERM or SIGINT.
    /// - Throws: ``ConfigError`` for anything found wrong at start-up, listening included, in one
    ///   line that names the setting to change.
    public static func run(settings: RelaySettings, logger: Logger) async throws {
        // Whatever the caller's umask, what the relay creates is its user's alone.
        umask(0o077)
        let assembly: RelayAssembly
        let lock: DataDirectoryLock
        do {
            try DataDirectory.prepare(settings.dataDirectory, logger: logger)
            lock = try DataDirectoryLock(directory: settings.dataDirectory)
            assembly = try await RelayAssembly(settings: settings, logger: logger)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError("\(error)")
        }
        let listening = ListeningFlag()
        // Under systemd with Type=notify: ready once listening, stopping at SIGTERM.
        let notifier = SystemdNotifier(environment: ProcessInfo.processInfo.environment)
        let app = assembly.makeApplication(logger: logger) { port in
            listening.set()
            assembly.publicPort.set(port)
            var banner = "SMSRelay \(SMSRelayVersion.current) listening on \(settings.host):\(port), delivering by \(settings.transport.rawValue)\n"
            if let receiver = assembly.replyReceiver, let bound = try? await receiver.boundPort {
                banner += "Receiving reply email for \(settings.replies.domain ?? "") by SMTP on \(receiver.configuration.host):\(bound)"
                banner += receiver.configuration.tls == nil ? " (no STARTTLS)\n" : " (STARTTLS)\n"
            }
            if assembly.tokenGenerated {
                // The only time the token is shown unasked: `smsrelay callback-url` prints it again.
                banner += "Generated a webhook token and stored it in \(settings.dataDirectory.appendingPathComponent(WebhookToken.fileName).path)\n"
                for carrier in settings.carriers.enabled {
                    banner += "\(carrier.displayName) callback URL: \(assembly.callbackURL(port: port, carrier: carrier))\n"
                }
                banner += "(shown once; `smsrelay callback-url` prints it again)\n"
            }
            FileHandle.standardOutput.write(Data(banner.utf8))
            if let notifier,
               !notifier.notify(["READY=1", "STATUS=Listening on \(settings.host):\(port), delivering by \(settings.transport.rawValue)"])
            {
                logger.warning(
                    "could not tell systemd the relay is ready; check that the unit's RestrictAddressFamilies= allows AF_UNIX",
                    metadata: ["notify_socket": "\(notifier.socketName)"])
            }
            logger.info(
                "ready for carrier callbacks; `smsrelay callback-url` prints the URL with its token",
                metadata: [
                    "callback_url": "\(settings.carriers.enabled.map { assembly.redactedCallbackURL(port: port, carrier: $0) }.joined(separator: " "))",
                    "transport": "\(assembly.components.transportSummary)",
                ])
        }
        var services = [ServiceGroupConfiguration.ServiceConfiguration(service: app)]
        if let admin = assembly.makeAdminApplication(logger: logger, onServerRunning: { port in
            let address = ListenAddress(host: settings.adminListen?.host ?? "", port: port)
            let page = settings.adminPasswordHash == nil ? "" : ", the admin page"
            FileHandle.standardOutput.write(Data("Admin listener (/metrics, /healthz\(page)) on http://\(address)\n".utf8))
        }) {
            services.append(.init(service: admin))
        }
        if let notifier {
            services.append(.init(service: SystemdStoppingService(notifier: notifier, logger: logger), successTerminationBehavior: .ignore))
        }
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = maximumShutdownDuration
        assembly.recordBuildInfo()
        do {
            // Every figure the relay's tasks record goes to the assembly's registry, which the
            // admin listener's /metrics shows.
            try await withMetricsFactory(assembly.metrics.factory) {
                try await ServiceGroup(configuration: configuration).run()
            }
            await assembly.store.close()
        } catch {
            await assembly.store.close()
            if !listening.isSet,
               let line = ListenFailure.describe(
                   error, host: settings.host, port: settings.port,
                   hostKey: SettingKey.host.environmentName, portKey: SettingKey.port.environmentName)
            {
                throw ConfigError(line)
            }
            if let failure = error as? SMTPReceiverError, failure.code == .bindFailed {
                throw ConfigError("\(failure.message) (\(SettingKey.replySMTPListen.environmentName))")
            }
            throw error
        }
        withExtendedLifetime(lock) {}
    }
}

/// Set once the HTTP server listens: an error before it is a failure to listen.
private final class ListeningFlag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
