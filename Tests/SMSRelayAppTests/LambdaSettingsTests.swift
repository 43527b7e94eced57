import Testing

@testable import SMSRelayLambdaApp

/// The settings as the lean Lambda `bootstrap` reads them: the environment only, no outbox.
@Suite("Lambda settings without the server's half")
struct LambdaSettingsTests {
    @Test("a config file is refused, naming SMSRELAY_CONFIG and what to do instead")
    func configFileRefused() {
        #expect {
            _ = try RelaySettings.read(
                environment: ["SMSRELAY_CONFIG": "/etc/smsrelay.yaml"], defaultTransport: .lambdaDefault,
                configFile: nil, databaseURL: nil)
        } throws: { error in
            let text = "\(error)"
            return text.contains("SMSRELAY_CONFIG is /etc/smsrelay.yaml") && text.contains("environment variables")
        }
    }

    @Test("the environment alone gives the settings, the shared outbox's URL unchecked and unused")
    func environmentOnly() throws {
        let settings = try RelaySettings.read(
            environment: [
                "SMSRELAY_MAIL_TO": "me@example.com", "SMSRELAY_WEBHOOK_TOKEN": "0123456789abcdef0123",
                "SMSRELAY_DATABASE_URL": "not a url",
            ],
            defaultTransport: .lambdaDefault, configFile: nil, databaseURL: nil)
        #expect(settings.transport == .ses)
        #expect(settings.configFile == nil)
        #expect(settings.databaseURLText == "not a url")
    }

    @Test("the server's reader checks the shared outbox's URL as before")
    func serverChecksURL() {
        #expect {
            _ = try RelaySettings.read(
                environment: ["SMSRELAY_WEBHOOK_TOKEN": "0123456789abcdef0123", "SMSRELAY_DATABASE_URL": "not a url"],
                configFile: nil, databaseURL: { _ in throw ConfigError("not a PostgreSQL URL") })
        } throws: { error in "\(error)".contains("SMSRELAY_DATABASE_URL: not a PostgreSQL URL") }
    }
}
