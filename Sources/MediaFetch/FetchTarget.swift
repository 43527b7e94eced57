import Foundation

/// A URL that passed the URL rules, taken apart the way AsyncHTTPClient takes it apart (the same
/// `URL(string:)`), so the host checked is the host connected to.
struct FetchTarget: Sendable {
    /// The URL as given to the HTTP client.
    var text: String
    /// `http` or `https`.
    var scheme: String
    /// `URL.host`: percent-decoded, an IPv6 address without brackets.
    var host: String
    /// The explicit port or the scheme's default.
    var port: Int
    /// Whether the host is trusted, and exempt from the `https` rule and the address rule.
    var trusted: Bool
    /// `scheme://host[:port]/path`.
    var redacted: String { MediaURL.redacted(text) }

    /// Applies the URL rules to `text`: absolute, `https` (or `http` to a trusted host), a host,
    /// a valid port, no user name or password.
    static func check(_ text: String, trustedHosts: TrustedHosts) -> Result<FetchTarget, MediaFetchFailure> {
        let shown = MediaURL.redacted(text)
        func refuse(_ why: String) -> Result<FetchTarget, MediaFetchFailure> {
            .failure(MediaFetchFailure(.refused, "refused to fetch \(shown): \(why)"))
        }
        guard let url = URL(string: text), let rawScheme = url.scheme else {
            return refuse("it is not an absolute URL")
        }
        let scheme = rawScheme.lowercased()
        guard scheme == "https" || scheme == "http" else {
            return refuse("only https URLs are fetched, not \(scheme)")
        }
        guard let host = url.host, !host.isEmpty else {
            return refuse("the URL names no host")
        }
        guard url.user == nil, url.password == nil else {
            return refuse("the URL carries a user name or password; media URLs must not")
        }
        if let port = url.port, !(1...65535).contains(port) {
            return refuse("\(port) is not a port number")
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let trusted = trustedHosts.contains(host: host, port: port)
        guard scheme == "https" || trusted else {
            return refuse("only https URLs are fetched; plain http is allowed only from a trusted host")
        }
        return .success(FetchTarget(text: text, scheme: scheme, host: host, port: port, trusted: trusted))
    }
}
