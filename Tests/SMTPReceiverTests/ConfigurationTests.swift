import Testing

@testable import SMTPReceiver

@Suite("SMTP receiver configuration")
struct ConfigurationTests {
    @Test("the defaults are RFC 5321's time limits, 10 MiB, 10 recipients, 100 connections, 5 an address, 20 errors")
    func defaults() throws {
        let configuration = SMTPReceiverConfiguration()
        #expect(configuration.maximumMessageSize == 10 * 1024 * 1024)
        #expect(configuration.maximumRecipients == 10)
        #expect(configuration.maximumConnections == 100)
        #expect(configuration.maximumConnectionsPerAddress == 5)
        #expect(configuration.commandTimeout == .seconds(300) && configuration.dataTimeout == .seconds(300))
        #expect(configuration.badCommandDelay == .milliseconds(500) && configuration.maximumBadCommands == 20)
        #expect(configuration.tls == nil)
        try configuration.validate()
        #expect(!SMTPServerStateMachine.Settings(configuration).offersTLS)
    }

    @Test("a setting out of range is named in the error", arguments: [
        (\SMTPReceiverConfiguration.port, 70000, "port 70000"),
        (\.maximumMessageSize, 0, "maximumMessageSize"),
        (\.maximumRecipients, 0, "maximumRecipients"),
        (\.maximumConnectionsPerAddress, -1, "maximumConnectionsPerAddress"),
    ])
    func validation(field: WritableKeyPath<SMTPReceiverConfiguration, Int> & Sendable, value: Int, named: String) {
        var configuration = SMTPReceiverConfiguration()
        configuration[keyPath: field] = value
        #expect {
            try configuration.validate()
        } throws: { error in
            (error as? SMTPReceiverError)?.code == .invalidConfiguration && "\(error)".contains(named)
        }
    }

    @Test("a host name with a space is refused")
    func hostname() {
        var configuration = SMTPReceiverConfiguration()
        configuration.hostname = "mx example"
        #expect(throws: SMTPReceiverError.self) { try configuration.validate() }
    }
}
