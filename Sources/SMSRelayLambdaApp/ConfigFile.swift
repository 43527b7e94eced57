import SMSRelayCore

/// The optional YAML config file: top-level settings (the names of ``SettingKey``), `contacts`,
/// a map from a number to the name the emails show for it, and `routes`, a map from one of our
/// numbers to its recipients, sender, templates and contacts of its own.
///
/// ```yaml
/// mail_to: me@example.com
/// contacts:
///   "12065550100": Alice
/// routes:
///   "12066418000":
///     to: [alice@example.com, bob@example.com]
///     from: alice-sms@example.com
///     reply_from: [alice@work.example.com]
///     html_template: templates/alice.html.mustache
///     contacts:
///       "12065550123": Bob
/// ```
///
/// This is what the file holds; reading it is the caller's (``ConfigFileReader``).
public struct ConfigFile: Sendable {
    public var settings: [String: String] = [:]
    public var routes: [String: RouteOverride] = [:]
    /// Names of known numbers, for every route.
    public var contacts: [String: String] = [:]

    public init(settings: [String: String] = [:], routes: [String: RouteOverride] = [:], contacts: [String: String] = [:]) {
        self.settings = settings
        self.routes = routes
        self.contacts = contacts
    }
}

/// Reads the config file at a path; throws a ``ConfigError`` naming the file.
public typealias ConfigFileReader = @Sendable (String) throws -> ConfigFile
