import Foundation
import LambdaRuntime
import Logging
import MailRender
import Outbox
import SMSRelayCore

/// Downloads a message's media for its email, within the per-item and per-email limits.
///
/// The server's delivery worker goes step by step: each pass downloads what is due, keeps the
/// files in the ``MediaFolder`` and the progress in the outbox, and the email is composed once
/// every item is downloaded or given up. The Lambda function downloads everything at once, in
/// memory, before its deadline. Either way a media problem never holds back the text: an item
/// that cannot be had stays a link, and the email says why.
struct MediaCollector: Sendable {
    let settings: MediaSettings
    let downloader: any MediaDownloading
    /// Where downloads are kept between passes (server mode); nil in Lambda.
    let folder: MediaFolder?
    /// The delays between attempts, as for mail delivery.
    let policy: RetryPolicy

    /// Whether the message has media to download at all.
    func applies(to message: InboundMessage) -> Bool {
        message.media.contains { $0.problem == nil && !$0.url.isEmpty }
    }

    /// The progress of a message not looked at yet: every readable item due now.
    func initialProgress(for message: InboundMessage) -> [MediaProgress] {
        message.media.map { item in
            if let problem = item.problem { return MediaProgress(state: .failed, error: problem) }
            if item.url.isEmpty { return MediaProgress(state: .failed, error: "the carrier gave no address for it") }
            return MediaProgress()
        }
    }

    // MARK: - Server mode: one pass

    /// The progress with the downloaded items whose file is not in this relay's media folder
    /// due again: another relay sharing the outbox downloaded them into its own folder.
    func missingFilesPending(_ progress: [MediaProgress]) -> [MediaProgress] {
        guard let folder else { return progress }
        return progress.map { item in
            guard item.state == .fetched, let name = item.sha256, !folder.contains(name) else { return item }
            return MediaProgress()
        }
    }

    /// Attempts every item due at `now`, in the message's order, and returns the new progress.
    func advance(_ message: InboundMessage, progress: [MediaProgress], now: () -> Date, logger: Logger) async -> [MediaProgress] {
        guard let folder else { return progress }
        var progress = progress
        for index in progress.indices where index < message.media.count {
            guard progress[index].state == .pending, (progress[index].retryAt ?? .distantPast) <= now() else { continue }
            if Task.isCancelled { break }
            let budget = settings.maxTotalBytes - progress.reduce(0) { $0 + ($1.state == .fetched ? $1.size ?? 0 : 0) }
            var item = progress[index]
            item.attempts += 1
            let result = await attemptDownload(message.media[index].url, budget: budget)
            switch result {
            case .success(let data, let servedType):
                do {
                    item.sha256 = try folder.store(data)
                    item.state = .fetched
                    item.size = data.count
                    item.servedType = servedType
                    item.error = nil
                    item.retryAt = nil
                } catch {
                    item = scheduleRetry(item, reason: "\(error)", now: now())
                }
            case .giveUp(let reason):
                item.state = .failed
                item.error = reason
                item.retryAt = nil
            case .retry(let reason):
                item = scheduleRetry(item, reason: reason, now: now())
            }
            log(item, position: index + 1, logger: logger)
            progress[index] = item
        }
        return progress
    }

    /// When the earliest pending item is due, or nil when every item is settled.
    static func nextDue(_ progress: [MediaProgress], now: Date) -> Date? {
        progress.filter { $0.state == .pending }.map { $0.retryAt ?? now }.min()
    }

    /// What the email attaches, read from the media folder, within the limit for all items.
    func outcomes(for message: InboundMessage, progress: [MediaProgress]) -> [MediaOutcome] {
        var attached = 0
        return message.media.indices.map { index in
            guard index < progress.count else { return .notAttached(reason: "it was not downloaded") }
            let item = progress[index]
            switch item.state {
            case .pending:
                return .notAttached(reason: "it was not downloaded")
            case .failed:
                return .notAttached(reason: item.error ?? "it could not be downloaded")
            case .fetched:
                guard let name = item.sha256, let data = try? folder?.read(name) else {
                    return .notAttached(reason: "the downloaded file is missing from the media folder")
                }
                guard attached + data.count <= settings.maxTotalBytes else {
                    return .notAttached(reason: totalLimitReason)
                }
                attached += data.count
                return .fetched(data: data, servedType: item.servedType)
            }
        }
    }

    // MARK: - Lambda: everything now, in memory

    /// Downloads every item at once, each with its attempts, until `deadline`; an item not done
    /// by then is left out, with its link.
    func collect(_ message: InboundMessage, until deadline: ContinuousClock.Instant, logger: Logger) async -> [MediaOutcome] {
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

    private enum AttemptResult: Sendable {
        case success(data: [UInt8], servedType: String?)
        case giveUp(String)
        case retry(String)
    }

    private func attemptDownload(_ url: String, budget: Int) async -> AttemptResult {
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

    private func scheduleRetry(_ item: MediaProgress, reason: String, now: Date) -> MediaProgress {
        var item = item
        if item.attempts >= settings.attempts {
            item.state = .failed
            item.error = "not downloaded after \(item.attempts) attempts: \(reason)"
            item.retryAt = nil
        } else {
            let delay = policy.delay(afterFailedAttempts: item.attempts, pendingSince: now, now: now) ?? policy.baseDelay
            item.error = reason
            item.retryAt = now.addingTimeInterval(RetryPolicy.seconds(delay))
        }
        return item
    }

    private var totalLimitReason: String {
        "the email's media would pass the \(Self.readable(settings.maxTotalBytes)) limit for all items"
    }

    private func log(_ item: MediaProgress, position: Int, logger: Logger) {
        switch item.state {
        case .fetched:
            logger.info("media downloaded", metadata: ["position": "\(position)", "bytes": "\(item.size ?? 0)"])
        case .failed:
            logger.warning("media not attached", metadata: ["position": "\(position)", "reason": "\(item.error ?? "-")"])
        case .pending:
            logger.notice(
                "media download failed; will retry",
                metadata: ["position": "\(position)", "reason": "\(item.error ?? "-")", "retry_at": "\(item.retryAt.map { "\($0)" } ?? "-")"])
        }
    }

    /// `10 MB`, `1.5 MB`, `512 KB`, `900 bytes` (binary multiples).
    static func readable(_ bytes: Int) -> String {
        let units: [(Int, String)] = [(1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")]
        for (size, unit) in units where bytes >= size {
            let tenths = (bytes * 10 + size / 2) / size
            return tenths % 10 == 0 ? "\(tenths / 10) \(unit)" : "\(tenths / 10).\(tenths % 10) \(unit)"
        }
        return "\(bytes) bytes"
    }
}
