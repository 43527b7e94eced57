import Foundation
import Configuration

/// One component's part of the configuration: a reader scoped to the component's keys, and the
/// way the application names a setting to its user.
///
/// A component (a mail transport, a store) reads its own settings through this and checks them
/// into a typed configuration at start-up. It never spells a setting's outside name (an
/// environment variable, a config-file key): it asks ``name(_:)``, so its errors name the
/// setting exactly as the user writes it, whatever the application's naming.
public struct ComponentConfig: Sendable {
    /// The absolute key of this scope, e.g. `["smsrelay", "smtp"]`.
    public let path: [String]
    private let reader: ConfigReader
    private let naming: @Sendable ([String]) -> String

    /// - Parameters:
    ///   - reader: the application's layered reader, unscoped.
    ///   - naming: the outside name of an absolute key, e.g. `SMSRELAY_SMTP_URL` for
    ///     `["smsrelay", "smtp", "url"]`. ``environmentNaming`` is the usual choice.
    public init(reader: ConfigReader, naming: @escaping @Sendable ([String]) -> String = ComponentConfig.environmentNaming) {
        self.init(path: [], reader: reader, naming: naming)
    }

    private init(path: [String], reader: ConfigReader, naming: @escaping @Sendable ([String]) -> String) {
        self.path = path
        self.reader = reader
        self.naming = naming
    }

    /// The environment-variable spelling of a key: its components upper-cased and joined with
    /// `_`, as swift-configuration's environment provider reads them.
    public static let environmentNaming: @Sendable ([String]) -> String = { components in
        components.map { $0.uppercased() }.joined(separator: "_")
    }

    /// The configuration one level down, e.g. `config.scoped(to: "smtp")`.
    public func scoped(to component: String) -> ComponentConfig {
        ComponentConfig(path: path + component.split(separator: ".").map(String.init), reader: reader, naming: naming)
    }

    /// The configuration at an absolute key, for settings a component shares with other software
    /// (e.g. `["aws"]` for `AWS_REGION`).
    public func rooted(at path: [String]) -> ComponentConfig {
        ComponentConfig(path: path, reader: reader, naming: naming)
    }

    /// The full outside name of `key` in this scope, for messages.
    public func name(_ key: String) -> String {
        naming(components(key))
    }

    /// The value of `key`, trimmed; nil when unset or blank.
    public func string(_ key: String, isSecret: Bool = false) -> String? {
        guard let value = reader.string(forKey: ConfigKey(components(key)), isSecret: isSecret) else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A whole number in `range`, or `defaultValue` when unset.
    public func int(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(SettingError) -> Int {
        guard let text = string(key) else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            throw SettingError(
                setting: name(key),
                "\(name(key))=\(text) is not valid; expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private func components(_ key: String) -> [String] {
        path + key.split(separator: ".").map(String.init)
    }
}

/// A setting a component refused at start-up, with a message that names it and says what to do.
public struct SettingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The full outside name of the setting at fault.
    public let setting: String
    public let message: String

    public init(setting: String, _ message: String) {
        self.setting = setting
        self.message = message
    }

    public var description: String { message }
}
