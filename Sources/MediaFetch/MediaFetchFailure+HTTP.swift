import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension MediaFetchFailure {
    /// The failure for a final status that is neither success nor a redirect followed.
    static func status(_ code: Int, from shown: String) -> MediaFetchFailure {
        let phrase = HTTPResponseStatus(statusCode: code).reasonPhrase
        let answered = "\(shown) answered \(code) \(phrase)"
        switch code {
        case 408, 429:
            return MediaFetchFailure(.transient, "\(answered); will try again later")
        case 500...599:
            return MediaFetchFailure(.transient, "\(answered), a server error; will try again later")
        case 300...399:
            return MediaFetchFailure(.permanent, "\(answered), not a redirect that can be followed")
        default:
            return MediaFetchFailure(.permanent, "\(answered); the media is not available there")
        }
    }

    /// The failure for an error thrown while connecting, sending or reading.
    static func error(_ error: any Error, fetching shown: String, host: String, policy: MediaFetchPolicy) -> MediaFetchFailure {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout:
                return MediaFetchFailure(.transient, "could not connect to \(shown) within \(MediaFetcher.text(policy.connectTimeout))")
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return MediaFetchFailure(.transient, "no answer from \(shown) within \(MediaFetcher.text(policy.timeout))")
            case .cancelled:
                return MediaFetchFailure(.transient, "the fetch of \(shown) was cancelled")
            case .remoteConnectionClosed:
                return MediaFetchFailure(.transient, "\(shown) closed the connection before it answered; will try again later")
            default:
                break
            }
        }
        if let error = error as? NIOSSLError, case .handshakeFailed = error {
            return MediaFetchFailure(
                .permanent,
                "could not fetch \(shown): the TLS handshake failed; the server's certificate is not trusted or not valid for "
                    + "\(host), or it does not speak TLS (\(error))"
            )
        }
        if error is NIOSSLExtraError {
            return MediaFetchFailure(.permanent, "could not fetch \(shown): the server's certificate is not valid for \(host) (\(error))")
        }
        if let error = error as? IOError {
            let what = error.errnoCode == ECONNREFUSED ? "\(host) refused the connection" : "the connection to \(host) failed: \(error)"
            return MediaFetchFailure(.transient, "could not fetch \(shown): \(what); will try again later")
        }
        if error is CancellationError {
            return MediaFetchFailure(.transient, "the fetch of \(shown) was cancelled")
        }
        return MediaFetchFailure(.transient, "could not fetch \(shown): \(error); will try again later")
    }
}
