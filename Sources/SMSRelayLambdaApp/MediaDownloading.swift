/// One download of one media item, as the relay needs it: the seam between the relay and the
/// fetcher (``MediaFetch``), which keeps the URL and address rules.
package protocol MediaDownloading: Sendable {
    /// Downloads `url`, reading at most `maxBytes` of it.
    func download(_ url: String, maxBytes: Int) async -> MediaDownloadResult
}

/// What one download attempt gave.
package enum MediaDownloadResult: Sendable, Equatable {
    case downloaded(data: [UInt8], servedType: String?)
    /// The item is larger than the limit given; nothing more of it was read.
    case tooLarge
    /// The item could not be downloaded; `retryable` when another attempt may succeed. The reason
    /// is safe to show: it never holds the URL's query (a pre-signed URL carries credentials).
    case failed(reason: String, retryable: Bool)
}
