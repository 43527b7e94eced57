import MediaFetch

extension MediaFetcher: MediaDownloading {
    package func download(_ url: String, maxBytes: Int) async -> MediaDownloadResult {
        switch await fetch(url, maxBytes: maxBytes) {
        case .success(let download):
            return .downloaded(data: download.data, servedType: download.contentType)
        case .failure(let failure):
            switch failure.kind {
            case .tooLarge: return .tooLarge
            case .transient: return .failed(reason: failure.reason, retryable: true)
            case .refused, .permanent: return .failed(reason: failure.reason, retryable: false)
            }
        }
    }
}
