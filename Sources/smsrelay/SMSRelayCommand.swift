import ArgumentParser
import SMSRelayCore

@main
struct SMSRelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smsrelay",
        abstract: "Relays text messages from a carrier's callbacks to email.",
        discussion: """
            A carrier (Flowroute) POSTs each text message for your numbers to the callback URL that \
            `smsrelay serve` prints. SMSRelay stores it durably, then delivers it as an email.

            Every option can also be set in the environment (SMSRELAY_<NAME>) or in the YAML file \
            given with --config; options on the command line win over the environment, which wins \
            over the file.
            """,
        version: SMSRelayVersion.current,
        subcommands: [ServeCommand.self, OutboxCommand.self, ConfigCommand.self]
    )
}
