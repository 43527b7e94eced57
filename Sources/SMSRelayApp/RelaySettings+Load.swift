import PostgresOutbox
import SMSRelayLambdaApp

extension RelaySettings {
    /// Reads the settings, highest precedence first: command-line `flags` (keyed by ``SettingKey/name``),
    /// then `environment`, then the YAML config file named by either, then the systemd credentials of
    /// `CREDENTIALS_DIRECTORY` (secrets only), then the documented defaults.
    /// - Parameter defaultTransport: the transport when none is configured (`ses` in Lambda).
    public static func load(
        flags: [String: String] = [:], environment: [String: String], defaultTransport: TransportKind = .maildir
    ) throws -> RelaySettings {
        try read(
            flags: flags, environment: environment, defaultTransport: defaultTransport,
            configFile: { try ConfigFile.load(path: $0) },
            databaseURL: { _ = try DatabaseURL(parsing: $0) })
    }

    /// The PostgreSQL outbox several relays share; nil keeps the outbox in SQLite in the data folder.
    public var databaseURL: DatabaseURL? {
        databaseURLText.flatMap { try? DatabaseURL(parsing: $0) }
    }
}
