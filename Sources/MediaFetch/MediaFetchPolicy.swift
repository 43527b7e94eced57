/// How ``MediaFetcher`` fetches: whom it trusts, how long it waits, how far it follows.
public struct MediaFetchPolicy: Sendable {
    /// Hosts exempt from the `https` rule and the address rule.
    public var trustedHosts: TrustedHosts
    /// The whole fetch, redirects and body included; on expiry the request is cancelled and the
    /// failure is transient.
    public var timeout: Duration
    /// Establishing one connection (TCP and TLS).
    public var connectTimeout: Duration
    /// Redirects followed before the fetch fails as permanent.
    public var maxRedirects: Int
    /// Sent as `User-Agent`: `smsrelay/1.4.0`.
    public var userAgent: String
    /// Carriers' credentials for their own media hosts.
    public var credentials: [MediaCredential]

    public init(
        userAgent: String,
        trustedHosts: TrustedHosts = TrustedHosts(),
        timeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        maxRedirects: Int = 3,
        credentials: [MediaCredential] = []
    ) {
        self.userAgent = userAgent
        self.trustedHosts = trustedHosts
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxRedirects = maxRedirects
        self.credentials = credentials
    }
}
