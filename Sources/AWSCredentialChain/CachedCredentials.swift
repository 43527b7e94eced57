import Foundation
import SigV4

/// Temporary credentials in hand, and when to fetch the next: the rules of
/// ``RefreshingCredentialProvider``, apart from its concurrency.
struct CachedCredentials: Sendable {
    let credentials: AWSCredentials
    /// From this time on, new credentials are fetched (the old ones serve while they still work).
    let refreshAt: Date

    /// How long before expiry credentials are renewed: five minutes, or half their lifetime
    /// for shorter-lived ones, so that they are renewed once past half of it.
    static let refreshMargin: TimeInterval = 300
    /// Credentials with no expiry given are fetched again after this long.
    static let unknownLifetime: TimeInterval = 900

    init(_ credentials: AWSCredentials, fetchedAt: Date) {
        self.credentials = credentials
        if let expiration = credentials.expiration {
            let lifetime = max(0, expiration.timeIntervalSince(fetchedAt))
            refreshAt = expiration.addingTimeInterval(-min(Self.refreshMargin, lifetime / 2))
        } else {
            refreshAt = fetchedAt.addingTimeInterval(Self.unknownLifetime)
        }
    }

    /// Whether they are fresh: not yet due for renewal.
    func isFresh(at time: Date) -> Bool { time < refreshAt }

    /// Whether they still work: not expired (credentials that give no expiry always do).
    func isUsable(at time: Date) -> Bool {
        credentials.expiration.map { time < $0 } ?? true
    }
}
