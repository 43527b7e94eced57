import SMSRelayCore

/// The optional YAML config file: top-level settings (the names of ``SettingKey``) and `routes`,
/// a map from one of our numbers to its recipients, sender and templates.
///
/// ```yaml
/// mail_to: me@example.com
/// routes:
///   "12066418000":
///     to: [alice@example.com, bob@example.com]
///     from: alice-sms@example.com
///     reply_from: [alice@work.example.com]
///     html_template: templates/alice.html.mustache
/// ```
///
/// This is what the file holds; reading it is the caller's (``ConfigFileReader``).
public struct ConfigFile: Sendable {
    public var settings: [String: String] = [:]
    public var routes: [String: RouteOverride] = [:]

    public init(settings: [String: String] = [:], routes: [String: RouteOverride] = [:]) {
        self.settings = settings
        self.routes = routes
    }
}

/// Reads the config file at a path; throws a ``ConfigError`` naming the file.
public typealias ConfigFileReader = @Sendable (String) throws -> ConfigFile
