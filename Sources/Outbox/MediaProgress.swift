import Foundation

/// How far the download of one MMS media item has got. A message's records are kept in the
/// order of its media items, one per item.
public struct MediaProgress: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        /// Not downloaded yet: due at ``MediaProgress/retryAt`` (now when nil).
        case pending
        /// Downloaded into the media folder, under its SHA-256.
        case fetched
        /// Given up: the email keeps the carrier's link and says why (``MediaProgress/error``).
        case failed
    }

    public var state: State
    /// Download attempts made so far.
    public var attempts: Int
    /// When the next download attempt is due (pending items only).
    public var retryAt: Date?
    /// Why a failed item is not attached, or the last transient failure of a pending one.
    public var error: String?
    /// The SHA-256 of the downloaded bytes, in lowercase hex: the file's name in the media folder.
    public var sha256: String?
    /// The Content-Type the media server gave.
    public var servedType: String?
    /// The downloaded size in bytes.
    public var size: Int?

    public init(
        state: State = .pending, attempts: Int = 0, retryAt: Date? = nil, error: String? = nil,
        sha256: String? = nil, servedType: String? = nil, size: Int? = nil
    ) {
        self.state = state
        self.attempts = attempts
        self.retryAt = retryAt
        self.error = error
        self.sha256 = sha256
        self.servedType = servedType
        self.size = size
    }

    /// Whether nothing more will be done for the item: fetched, or given up.
    public var isSettled: Bool { state != .pending }
}

extension Array where Element == MediaProgress {
    /// `2/3 fetched`, for listings.
    public var summary: String {
        let fetched = filter { $0.state == .fetched }.count
        let failed = filter { $0.state == .failed }.count
        return "\(fetched)/\(count) fetched" + (failed > 0 ? ", \(failed) not attached" : "")
    }
}
