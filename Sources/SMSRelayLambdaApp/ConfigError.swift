/// A setting that cannot be used, found at start-up. The message names the setting and what to do.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    package static func invalid(_ key: SettingKey, _ value: String, expected: String) -> ConfigError {
        let shown = key.isSecret ? "<redacted>" : "'\(value)'"
        var elsewhere = key.hasFlag ? "\(key.flagName), or '\(key.name)' in the config file" : "or '\(key.name)' in the config file"
        if let credential = key.credentialName { elsewhere += ", or the credential \(credential)" }
        return ConfigError("\(key.environmentName) (\(elsewhere)) is \(shown); expected \(expected)")
    }
}
