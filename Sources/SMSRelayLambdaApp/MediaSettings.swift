import Foundation

/// Whether MMS media are downloaded and attached, and within which limits.
public struct MediaSettings: Sendable, Equatable {
    /// Off: the email lists the carrier's links, as it did before media were attached.
    public var fetch: Bool
    /// The largest item attached.
    public var maxBytes: Int
    /// The most attached to one email, all items together.
    public var maxTotalBytes: Int
    /// `SMSRELAY_MEDIA_TRUSTED_HOSTS` as given: checked when the relay is planned.
    public var trustedHosts: String
    /// How long one download may take, redirects included.
    public var timeout: Duration
    /// Download attempts per item before the email goes without it.
    public var attempts: Int
    /// Whether downloaded files stay in the media folder once their email is sent.
    public var keep: Bool

    public init(
        fetch: Bool = true, maxBytes: Int = 10 << 20, maxTotalBytes: Int = 20 << 20, trustedHosts: String = "",
        timeout: Duration = .seconds(30), attempts: Int = 4, keep: Bool = false
    ) {
        self.fetch = fetch
        self.maxBytes = maxBytes
        self.maxTotalBytes = maxTotalBytes
        self.trustedHosts = trustedHosts
        self.timeout = timeout
        self.attempts = attempts
        self.keep = keep
    }
}
