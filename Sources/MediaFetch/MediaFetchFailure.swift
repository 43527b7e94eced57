/// Why a media item was not fetched. The ``reason`` is a sentence safe to log or to put in an
/// email: URLs in it are shown as ``MediaURL/redacted(_:)`` renders them, never with their query
/// (a pre-signed URL's query is a credential) or a user name and password.
public struct MediaFetchFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The URL or the address it leads to is not allowed; nothing was requested from it.
        /// Permanent.
        case refused
        /// The item is larger than `limit` bytes; its body was not (or not fully) read. Permanent.
        case tooLarge(limit: Int)
        /// The server's answer will not change: a 4xx status other than 408 and 429, a redirect
        /// that cannot be followed, too many redirects, a certificate that is not valid for the host.
        case permanent
        /// It may work later: a 5xx, 408 or 429 status, no answer in time, a connection refused
        /// or reset, a temporary DNS failure.
        case transient
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// Whether trying again later may succeed.
    public var isTransient: Bool { kind == .transient }

    public var description: String { reason }
}
