import ArgumentParser
import Foundation
import Hummingbird
import SMSRelayConfig
import SMSRelayCore
import SMSRelayServer
import ServiceLifecycle
import Synchronization

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the relay: receive carrier callbacks over HTTP and deliver them as email.",
        discussion: """
            On first start without SMSRELAY_WEBHOOK_TOKEN, a random token is generated and kept in \
            <data-dir>/webhook-token, and the callback URL to paste into Flowroute is printed, that once; \
            `smsrelay callback-url` prints it again. The data folder and what the relay creates in it \
            are readable by the relay's user only (0700 and 0600). \
            With the default maildir transport, each message becomes one file in <data-dir>/mail/new/. \
            SIGTERM or SIGINT stops the server gracefully within seconds; pending messages are delivered \
            after the next start.
            """
    )

    @OptionGroup var options: SettingsOptions

    /// The longest a graceful stop may take before what is left is cancelled. Requests still
    /// arriving get 5 s of it; the worker finishes the message in hand.
    static let maximumShutdownDuration: Duration = .seconds(12)

    func run() async throws {
        // Whatever the caller's umask, what the relay creates is its user's alone.
        umask(0o077)
        let settings = try options.load()
        let logger = LogSetup.bootstrap(level: settings.logLevel)
        let assembly: RelayAssembly
        let lock: DataDirectoryLock
        do {
            try DataDirectory.prepare(settings.dataDirectory, logger: logger)
            lock = try DataDirectoryLock(directory: settings.dataDirectory)
            assembly = try RelayAssembly(settings: settings, logger: logger)
        } catch {
            throw ValidationError("\(error)")
        }
        let listening = ListeningFlag()
        let app = assembly.makeApplication(logger: logger) { port in
            listening.set()
            var banner = "SMSRelay \(SMSRelayVersion.current) listening on \(settings.host):\(port), delivering by \(settings.transport.rawValue)\n"
            if assembly.tokenGenerated {
                // The only time the token is shown unasked: `smsrelay callback-url` prints it again.
                banner += "Generated a webhook token and stored it in \(settings.dataDirectory.appendingPathComponent("webhook-token").path)\n"
                banner += "Flowroute callback URL: \(assembly.callbackURL(port: port))\n"
                banner += "(shown once; `smsrelay callback-url` prints it again)\n"
            }
            FileHandle.standardOutput.write(Data(banner.utf8))
            logger.info(
                "ready for carrier callbacks; `smsrelay callback-url` prints the URL with its token",
                metadata: ["callback_url": "\(assembly.redactedCallbackURL(port: port))"])
        }
        var configuration = ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = Self.maximumShutdownDuration
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            if !listening.isSet, let line = ListenFailure.describe(error, host: settings.host, port: settings.port) {
                throw ValidationError(line)
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
