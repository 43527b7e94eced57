import Foundation
import Logging

/// Downloads one media item from a URL a carrier chose, without letting the URL reach this host,
/// its private networks or the cloud's metadata service.
///
/// - Only `https` URLs with a host and no user name or password are fetched.
/// - The host is resolved here and every address it resolves to is checked by ``AddressPolicy``;
///   if any is forbidden nothing is requested. The connection goes to the address that was
///   checked (no second lookup for a rebinding DNS server to answer differently), while TLS still
///   verifies the certificate for the host name.
/// - Redirects are followed here, up to ``MediaFetchPolicy/maxRedirects``, each target checked
///   again as if it were the first URL.
/// - ``MediaFetchPolicy/trustedHosts`` are exempt from the `https` and the address rule.
/// - No credential is sent: no `Authorization`, no `Cookie`, no proxy from the environment.
/// - The body is read up to `maxBytes` and no further; the whole fetch is bounded by
///   ``MediaFetchPolicy/timeout``.
public struct MediaFetcher: Sendable {
    public let policy: MediaFetchPolicy
    let resolver: any HostResolver
    let logger: Logger

    /// - Parameter logger: the caller's logger; the fetcher logs at debug only, URLs redacted.
    public init(policy: MediaFetchPolicy, logger: Logger) {
        self.init(policy: policy, resolver: SystemHostResolver(), logger: logger)
    }

    /// A fetcher that resolves host names through `resolver` (a test's fixed answers).
    public init(policy: MediaFetchPolicy, resolver: any HostResolver, logger: Logger) {
        self.policy = policy
        self.resolver = resolver
        self.logger = logger
    }

    /// Fetches the item at `url`, at most `maxBytes` long.
    ///
    /// Never throws: every way it can fail is a ``MediaFetchFailure`` whose kind says whether to
    /// try again. If the calling task is cancelled the fetch stops and fails as transient.
    public func fetch(_ url: String, maxBytes: Int) async -> Result<MediaDownload, MediaFetchFailure> {
        let shown = MediaURL.redacted(url)
        let timeout = policy.timeout
        let result = await withTaskGroup(of: Result<MediaDownload, MediaFetchFailure>?.self) { group in
            group.addTask { await followRedirects(from: url, maxBytes: maxBytes) }
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                } catch {
                    return nil
                }
                return .failure(MediaFetchFailure(.transient, "no answer from \(shown) within \(Self.text(timeout)); the request was cancelled"))
            }
            var outcome: Result<MediaDownload, MediaFetchFailure>?
            while outcome == nil, let next = await group.next() {
                outcome = next
            }
            group.cancelAll()
            return outcome ?? .failure(MediaFetchFailure(.transient, "the fetch of \(shown) was cancelled"))
        }
        let safe = result.mapError { $0.hidingSecrets(of: url) }
        if case .failure(let failure) = safe {
            logger.debug("media fetch failed", metadata: ["media_url": "\(shown)", "error": "\(failure.reason)"])
        }
        return safe
    }

    /// Fetches `url`, following redirects: each target checked again, every failure free of the
    /// secrets of every URL on the way.
    func followRedirects(from url: String, maxBytes: Int) async -> Result<MediaDownload, MediaFetchFailure> {
        var current = url
        var visited: [String] = []
        var redirects = 0
        func fail(_ failure: MediaFetchFailure) -> Result<MediaDownload, MediaFetchFailure> {
            .failure(visited.reduce(failure) { $0.hidingSecrets(of: $1) })
        }

        while true {
            visited.append(current)
            let target: FetchTarget
            switch FetchTarget.check(current, trustedHosts: policy.trustedHosts) {
            case .success(let checked): target = checked
            case .failure(let failure): return fail(failure.redirected(from: visited.dropLast().last))
            }
            let address: IPAddress
            switch await connectAddress(for: target) {
            case .success(let chosen): address = chosen
            case .failure(let failure): return fail(failure.redirected(from: visited.dropLast().last))
            }

            logger.debug("fetching media", metadata: ["media_url": "\(target.redacted)", "address": "\(address)"])
            switch await exchange(target, address: address, maxBytes: maxBytes) {
            case .download(let download):
                logger.debug(
                    "media fetched",
                    metadata: ["media_url": "\(target.redacted)", "bytes": "\(download.data.count)", "content_type": "\(download.contentType ?? "none")"]
                )
                return .success(download)
            case .failure(let failure):
                return fail(failure)
            case .redirect(let location, let status):
                guard redirects < policy.maxRedirects else {
                    return fail(MediaFetchFailure(
                        .permanent,
                        "gave up on \(MediaURL.redacted(url)) after \(policy.maxRedirects) redirects; \(target.redacted) redirected again (\(status))"
                    ))
                }
                guard let base = URL(string: target.text),
                      let next = URL(string: location, relativeTo: base)?.absoluteURL.absoluteString
                else {
                    return fail(MediaFetchFailure(.permanent, "\(target.redacted) answered \(status) with a Location that is not a URL"))
                }
                redirects += 1
                logger.debug("media fetch redirected", metadata: ["media_url": "\(target.redacted)", "location": "\(MediaURL.redacted(next))", "status": "\(status)"])
                current = next
            }
        }
    }

    /// The address to connect to for `target`: the literal, or the first IPv4 (else IPv6) address
    /// its host resolves to, once every one of them passed ``AddressPolicy`` (unless trusted).
    func connectAddress(for target: FetchTarget) async -> Result<IPAddress, MediaFetchFailure> {
        let addresses: [IPAddress]
        let literal = IPAddress(target.host)
        if let literal {
            addresses = [literal]
        } else {
            do {
                addresses = try await resolver.addresses(of: target.host)
            } catch {
                return .failure(MediaFetchFailure(error.isTemporary ? .transient : .permanent, "could not fetch \(target.redacted): \(error.message)"))
            }
        }
        guard let first = addresses.first else {
            return .failure(MediaFetchFailure(.permanent, "could not fetch \(target.redacted): \(target.host) resolves to no address"))
        }
        if !target.trusted {
            for address in addresses {
                guard let forbidden = AddressPolicy.check(address) else { continue }
                let subject = literal == nil ? "\(target.host) resolves to \(address), which" : "\(address)"
                return .failure(MediaFetchFailure(
                    .refused,
                    "refused to fetch \(target.redacted): \(subject) is in \(forbidden.range), \(forbidden.reason)"
                ))
            }
        }
        return .success(addresses.first { if case .v4 = $0 { true } else { false } } ?? first)
    }

    /// `30 s`, `1.5 s`, `250 ms`.
    static func text(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        if seconds == 0 { return "\(milliseconds) ms" }
        if milliseconds == 0 { return "\(seconds) s" }
        return "\(Double(seconds) + Double(milliseconds) / 1000) s"
    }
}
