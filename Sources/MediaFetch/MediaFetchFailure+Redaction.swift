import Foundation

extension MediaFetchFailure {
    /// The failure with `url` shown redacted and its query and password taken out of the
    /// reason, should any of them have come in through an error's description.
    func hidingSecrets(of url: String) -> MediaFetchFailure {
        let shown = MediaURL.redacted(url)
        var reason = url == shown ? reason : reason.replacingOccurrences(of: url, with: shown)
        var secrets: [String] = []
        if let parsed = URL(string: url) {
            // Shorter ones would blot out ordinary words, and guard little: a pre-signed query is long.
            secrets += [parsed.query(percentEncoded: true), parsed.query(percentEncoded: false), parsed.password]
                .compactMap { $0 }
                .filter { $0.count >= 8 }
        }
        for secret in secrets.sorted(by: { $0.count > $1.count }) {
            reason = reason.replacingOccurrences(of: secret, with: "…")
        }
        return MediaFetchFailure(kind, reason)
    }

    /// The failure of a redirect's target, saying where the redirect came from; unchanged for
    /// the first URL (`previous` is `nil`).
    func redirected(from previous: String?) -> MediaFetchFailure {
        guard let previous else { return self }
        return MediaFetchFailure(kind, "\(reason) (redirected there by \(MediaURL.redacted(previous)))")
    }
}
