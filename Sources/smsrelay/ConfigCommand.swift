import ArgumentParser
import Foundation
import SMSRelayApp

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the configuration.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate settings, routes, templates and the transport's settings, and print the result with secrets hidden.",
            discussion: """
                Runs exactly the checks a start runs (`serve`, or the Lambda function with --mode lambda), \
                so it refuses everything a start would refuse, with the same message. It creates nothing \
                and connects nowhere: a server that is down or a wrong password shows at the first delivery.
                """)

        @Option(help: "Check for `serve` (the default) or for the Lambda function (ses by default, settings from the environment).")
        var mode: ConfigCheck.Mode = .serve

        @OptionGroup var options: SettingsOptions

        func run() async throws {
            do {
                print(try ConfigCheck.run(flags: options.flags, environment: ProcessInfo.processInfo.environment, mode: mode))
            } catch let error as ConfigError {
                throw ValidationError(error.description)
            }
        }
    }
}

extension ConfigCheck.Mode: ExpressibleByArgument {}
