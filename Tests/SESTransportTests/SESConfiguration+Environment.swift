import ComponentConfig
import Configuration
import SESTransport

extension SESConfiguration {
    /// The configuration the relay reads from these environment variables: the transport's scope
    /// `smsrelay.ses` (`SMSRELAY_SES_*`) and the AWS one (`AWS_*`).
    init(environment: [String: String]) throws {
        let root = ComponentConfig(reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment)))
        try self.init(config: root.rooted(at: ["smsrelay", "ses"]), aws: root.rooted(at: ["aws"]))
    }
}

extension SESConfiguration.SettingNames {
    /// The names the relay gives the settings (`SMSRELAY_SES_*`, `AWS_*`).
    static let relay: Self = {
        let root = ComponentConfig(reader: ConfigReader(provider: InMemoryProvider(values: [:])))
        return Self(config: root.rooted(at: ["smsrelay", "ses"]), aws: root.rooted(at: ["aws"]))
    }()
}
