/// What became of one MMS media item when the email was composed.
public enum MediaOutcome: Sendable, Equatable {
    /// Downloaded: the bytes and the Content-Type the server gave (may be nil).
    case fetched(data: [UInt8], servedType: String?)
    /// Not attached: the email keeps the carrier's link and says why (for people, e.g.
    /// "larger than the 10.0 MB limit for one item").
    case notAttached(reason: String)
}
