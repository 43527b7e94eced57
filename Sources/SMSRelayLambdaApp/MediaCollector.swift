import Foundation
import LambdaRuntime
import Logging
import MailRender
import SMSRelayCore
import Metrics

/// Downloads a message's media for its email, within the per-item and per-email limits.
///
/// The server's delivery worker goes step by step: each pass downloads what is due, keeps the
/// files in the ``MediaFolder`` and the progress in the outbox, and the email is composed once
/// every item is downloaded or given up. The Lambda function downloads everything at once, in
/// memory, before its deadline. Either way a media problem never holds back the text: an item
/// that cannot be had stays a link, and the email says why.
package struct MediaCollector: Sendable {
    package let settings: MediaSettings
    package let downloader: any MediaDownloading
    /// Where downloads are kept between passes (server mode); nil in Lambda.
    package let folder: MediaFolder?
    /// The delays between attempts, as for mail delivery.
    package let policy: RetryPolicy

    /// Whether the message has media to download at all.
    package func applies(to message: InboundMessage) -> Bool {
        message.media.contains { $0.problem == nil && !$0.url.isEmpty }
    }

    // MARK: - Lambda: everything now, in memory

    /// Downloads every item at once, each with its attempts, until `deadline`; an item not done
    /// by then is left out, with its link.
    package func collect(_ message: InboundMessage, until deadline: ContinuousClock.Instant, logger: Logger) async -> [MediaOutcome] {
        let results = await withTaskGroup(of: (Int, MediaOutcome).self) { group in
            for (index, item) in message.media.enumerated() {
                group.addTask {
                    if let problem = item.problem { return (index, .notAttached(reason: problem)) }
                    return (index, await self.collectOne(item.url, position: index + 1, until: deadline, logger: logger))
                }
            }
            var results = [MediaOutcome?](repeating: nil, count: message.media.count)
            for await (index, outcome) in group {
                results[index] = outcome
            }
            return results
        }
        var attached = 0
        return results.map { outcome in
            guard case .fetched(let data, _) = outcome else {
                return outcome ?? .notAttached(reason: "it was not downloaded")
            }
            guard attached + data.count <= settings.maxTotalBytes else { return .notAttached(reason: totalLimitReason) }
            attached += data.count
            return outcome!
        }
    }

    private func collectOne(_ url: String, position: Int, until deadline: ContinuousClock.Instant, logger: Logger) async -> MediaOutcome {
        var attempts = 0
        var lastReason = "it was not downloaded"
        while attempts < settings.attempts {
            attempts += 1
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { break }
            let result: AttemptResult
            do {
                result = try await withDeadline(deadline) {
                    await self.attemptDownload(url, budget: self.settings.maxTotalBytes)
                }
            } catch {
                lastReason = "not downloaded before the function's time ran out"
                break
            }
            switch result {
            case .success(let data, let servedType):
                logger.debug("media downloaded", metadata: ["position": "\(position)", "bytes": "\(data.count)"])
                return .fetched(data: data, servedType: servedType)
            case .giveUp(let reason):
                logger.notice("media not attached", metadata: ["position": "\(position)", "reason": "\(reason)"])
                return .notAttached(reason: reason)
            case .retry(let reason):
                lastReason = attempts < settings.attempts ? reason : "not downloaded after \(attempts) attempts: \(reason)"
                let delay = policy.delay(afterFailedAttempts: attempts, pendingSince: Date(), now: Date()) ?? .zero
                guard attempts < settings.attempts, ContinuousClock.now + delay < deadline else { break }
                try? await Task.sleep(for: delay)
            }
        }
        logger.notice("media not attached", metadata: ["position": "\(position)", "reason": "\(lastReason)"])
        return .notAttached(reason: lastReason)
    }

    // MARK: - One attempt

    package enum AttemptResult: Sendable {
        case success(data: [UInt8], servedType: String?)
        case giveUp(String)
        case retry(String)
    }

    /// One download, counted in `smsrelay_media_fetches_total`.
    package func attemptDownload(_ url: String, budget: Int) async -> AttemptResult {
        let result = await download(url, budget: budget)
        let outcome: String
        switch result {
        case .success: outcome = "fetched"
        case .retry: outcome = "retry"
        case .giveUp: outcome = "given_up"
        }
        Metrics.Counter(label: RelayMetric.mediaFetches.name, dimensions: [("outcome", outcome)]).increment()
        return result
    }

    private func download(_ url: String, budget: Int) async -> AttemptResult {
        guard budget > 0 else { return .giveUp(totalLimitReason) }
        let limit = min(settings.maxBytes, budget)
        switch await downloader.download(url, maxBytes: limit) {
        case .downloaded(let data, let servedType):
            return .success(data: data, servedType: servedType)
        case .tooLarge:
            return .giveUp(limit < settings.maxBytes ? totalLimitReason : "larger than the \(Self.readable(settings.maxBytes)) limit for one item")
        case .failed(let reason, let retryable):
            return retryable ? .retry(reason) : .giveUp(reason)
        }
    }


    package var totalLimitReason: String {
        "the email's media would pass the \(Self.readable(settings.maxTotalBytes)) limit for all items"
    }


    /// `10 MB`, `1.5 MB`, `512 KB`, `900 bytes` (binary multiples).
    package static func readable(_ bytes: Int) -> String {
        let units: [(Int, String)] = [(1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")]
        for (size, unit) in units where bytes >= size {
            let tenths = (bytes * 10 + size / 2) / size
            return tenths % 10 == 0 ? "\(tenths / 10) \(unit)" : "\(tenths / 10).\(tenths % 10) \(unit)"
        }
        return "\(bytes) bytes"
    }
}
