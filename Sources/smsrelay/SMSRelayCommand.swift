import ArgumentParser
import Foundation
import SMSRelayApp

@main
struct SMSRelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smsrelay",
        abstract: "Relays text messages from a carrier's callbacks to email.",
        discussion: """
            A carrier (Flowroute) POSTs each text message for your numbers to the callback URL that \
            `smsrelay serve` prints on first start (`smsrelay callback-url` prints it again). SMSRelay \
            stores it durably, then delivers it as an email. With SMSRELAY_REPLY_DOMAIN set, an \
            answer to that email goes back to the texter as an SMS: through `smsrelay reply` (an \
            MTA's pipe), the SMTP receiver of `serve` (SMSRELAY_REPLY_SMTP_LISTEN), or SES in Lambda.

            Every option can also be set in the environment (SMSRELAY_<NAME>) or in the YAML file \
            given with --config; options on the command line win over the environment, which wins \
            over the file.
            """,
        version: RelaySettings.version,
        subcommands: [
            ServeCommand.self, CallbackURLCommand.self, SendTestCommand.self, ReplyCommand.self, SendSMSCommand.self, LambdaCommand.self,
            OutboxCommand.self, ConfigCommand.self, AdminPasswordCommand.self,
        ]
    )

    /// Inside Lambda the runtime starts `bootstrap` with no arguments: run the Lambda loop then.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.isEmpty, ProcessInfo.processInfo.environment["AWS_LAMBDA_RUNTIME_API"] != nil {
            arguments = ["lambda"]
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ExitCode {
            exit(withError: error)
        } catch let error as ValidationError {
            // A problem found while starting: the message says what to fix; usage would only hide it.
            FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch {
            // `--help` and `help` reach here too, as the parser's own error: it prints the help and exits 0.
            exit(withError: error)
        }
    }
}
