import Logging
import MediaFetch
import Testing
import TestSupport

/// A resolver with fixed answers: the names a test makes up (`*.example.test`).
struct FixedResolver: HostResolver {
    var answers: [String: [String]]
    var temporaryFailure = false

    func addresses(of host: String) async throws(HostResolutionError) -> [IPAddress] {
        if temporaryFailure {
            throw HostResolutionError(isTemporary: true, message: "could not resolve \(host): the DNS server did not answer")
        }
        guard let answer = answers[host] else {
            throw HostResolutionError(isTemporary: false, message: "\(host) does not resolve")
        }
        return answer.compactMap(IPAddress.init)
    }
}

/// A fetcher trusting `trusted` (a trusted-hosts setting), with the system's resolver unless given one.
func makeFetcher(
    trusting trusted: String = "",
    timeout: Duration = .seconds(30),
    connectTimeout: Duration = .seconds(10),
    resolver: (any HostResolver)? = nil
) throws -> MediaFetcher {
    let policy = MediaFetchPolicy(
        userAgent: "smsrelay/9.9.9-test",
        trustedHosts: try TrustedHosts(parsing: trusted),
        timeout: timeout,
        connectTimeout: connectTimeout
    )
    let logger = Logger(label: "media-fetch-test")
    if let resolver {
        return MediaFetcher(policy: policy, resolver: resolver, logger: logger)
    }
    return MediaFetcher(policy: policy, logger: logger)
}

extension Result where Failure == MediaFetchFailure {
    /// The failure, or `nil` when the fetch succeeded.
    var failure: MediaFetchFailure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }

    var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}

/// The media server the test's suite shares.
func mediaServer() throws -> MediaTestServer {
    try #require(MediaTestServer.current, "the suite needs the .mediaServer trait")
}
