import ArgumentParser
import Foundation
import MailKit
import SMSRelayConfig

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the configuration.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        /// `5d`, `12h`, `90m`, `45s`: the largest unit that divides the duration.
        static func describe(_ duration: Duration) -> String {
            let seconds = duration.components.seconds
            for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where seconds % size == 0 {
                return "\(seconds / size)\(unit)"
            }
            return "\(seconds)s"
        }

        static let configuration = CommandConfiguration(
            abstract: "Validate settings, routes and templates, and print the result with secrets hidden.")

        @OptionGroup var options: SettingsOptions

        func run() async throws {
            let settings = try options.load()
            do {
                _ = try EmailRenderer(templateSets: settings.templateSets)
            } catch {
                throw ValidationError("\(error)")
            }
            print("Configuration is valid.")
            print("  listen          \(settings.host):\(settings.port)")
            print("  data folder     \(settings.dataDirectory.path)")
            print("  config file     \(settings.configFile ?? "(none)")")
            print("  public URL      \(settings.publicURL)")
            print("  webhook token   \(settings.webhookToken == nil ? "stored in the data folder (generated on first start)" : "set (hidden)")")
            print("  transport       \(settings.transport.rawValue)\(settings.transport == .maildir ? " → \(settings.maildir.path)" : "")")
            print("  max body        \(settings.maxBodyBytes) bytes")
            print("  connections     at most \(settings.maxConnections); a request must arrive within \(settings.requestTimeout.components.seconds)s, idle ones close after \(settings.idleTimeout.components.seconds)s")
            print("  retries         transient failures for \(Self.describe(settings.retryFor))\(settings.maxAttempts.map { ", at most \($0) attempts" } ?? "")")
            print("  default route   to \(settings.routing.defaultRoute.recipients.joined(separator: ", ")) from \(settings.routing.defaultRoute.sender)")
            for number in settings.routing.overrides.keys.sorted() {
                let route = settings.routing.route(for: number)
                print("  route \(number)   to \(route.recipients.joined(separator: ", ")) from \(route.sender)")
            }
        }
    }
}
