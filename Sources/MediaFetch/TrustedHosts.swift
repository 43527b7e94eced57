/// The hosts exempt from the `https` rule and the address rule (see ``TrustedHost``).
public struct TrustedHosts: Sendable, Equatable {
    public var entries: [TrustedHost]

    public init(_ entries: [TrustedHost] = []) {
        self.entries = entries
    }

    /// Parses a comma-separated list such as `127.0.0.1:8080, media.lan, [::1]:8443`; empty
    /// entries are skipped, so an empty setting trusts nothing.
    ///
    /// - Parameter setting: the setting's name, for the error (`SMSRELAY_MEDIA_TRUSTED_HOSTS`).
    /// - Throws: ``TrustedHostError`` naming the first entry that is not a host or `host:port`.
    public init(parsing list: String, setting: String = "trusted hosts") throws(TrustedHostError) {
        var entries: [TrustedHost] = []
        for entry in list.split(separator: ",") where !entry.trimmingWhitespace().isEmpty {
            entries.append(try TrustedHost(parsing: String(entry), setting: setting))
        }
        self.entries = entries
    }

    /// Whether a URL's host and port (the scheme's default when it names none) are trusted.
    public func contains(host: String, port: Int) -> Bool {
        entries.contains { $0.matches(host: host, port: port) }
    }
}
