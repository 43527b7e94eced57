import ArgumentParser
import Foundation
import SMSRelayApp

struct SendTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test",
        abstract: "Send a sample text message as an email now, through the configured route, templates and transport.",
        discussion: """
            The first thing to run after setting SMTP or SES credentials. It reads the settings \
            `serve` reads (environment, --config file, flags), makes a sample text to --to from \
            --from, renders it with that number's route and templates, and hands the email straight \
            to the transport, not through the outbox: nothing is stored, and a running server is not \
            disturbed. It prints where the email went: the transport, the route, the recipients, the \
            Message-ID and the mail system's answer (the SMTP server's 250 reply, SES's MessageId, the \
            maildir file). With replies on, the email carries the Reply-To a real one would. \
            If the transport refuses, it prints the refusal (e.g. the SMTP server's words for a wrong \
            password; never the password) and exits 1; a setting at fault exits 64. \
            --log-level debug shows the transport's side of it.
            """
    )

    @Option(help: "Our number the sample is sent to, which picks the route. [default: the first number with a route of its own, else \(SendTestApp.defaultNumber)]")
    var to: String?
    @Option(help: "The texter's number.")
    var from: String = SendTestApp.defaultSender
    @Option(help: "The sample's text.")
    var text: String = SendTestApp.defaultText

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        var settings = try options.load()
        // The transport's own log lines speak of pausing and retrying, which a single try does not
        // do: they are shown only when asked for.
        if !["trace", "debug"].contains(settings.logLevel) { settings.logLevel = "critical" }
        let logger = LogSetup.bootstrap(level: settings.logLevel)
        do {
            let report = try await SendTestApp.run(settings: settings, to: to, from: from, text: text, logger: logger)
            print(report)
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
