import ArgumentParser
import Foundation
import Hummingbird
import SMSRelayConfig
import SMSRelayCore
import SMSRelayServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the relay: receive carrier callbacks over HTTP and deliver them as email.",
        discussion: """
            On first start without SMSRELAY_WEBHOOK_TOKEN, a random token is generated and kept in \
            <data-dir>/webhook-token; the callback URL to paste into Flowroute is printed at start. \
            With the default maildir transport, each message becomes one file in <data-dir>/mail/new/. \
            SIGTERM or SIGINT stops the server gracefully; pending messages are delivered after the next start.
            """
    )

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.load()
        let logger = LogSetup.bootstrap(level: settings.logLevel)
        let assembly: RelayAssembly
        let lock: DataDirectoryLock
        do {
            try FileManager.default.createDirectory(at: settings.dataDirectory, withIntermediateDirectories: true)
            lock = try DataDirectoryLock(directory: settings.dataDirectory)
            assembly = try RelayAssembly(settings: settings, logger: logger)
        } catch {
            throw ValidationError("\(error)")
        }
        let app = assembly.makeApplication(logger: logger) { port in
            var banner = "SMSRelay \(SMSRelayVersion.current) listening on \(settings.host):\(port), delivering by \(settings.transport.rawValue)\n"
            if assembly.tokenGenerated {
                banner += "Generated a webhook token and stored it in \(settings.dataDirectory.appendingPathComponent("webhook-token").path)\n"
            }
            banner += "Flowroute callback URL: \(assembly.callbackURL(port: port))\n"
            FileHandle.standardOutput.write(Data(banner.utf8))
        }
        try await app.runService()
        withExtendedLifetime(lock) {}
    }
}
