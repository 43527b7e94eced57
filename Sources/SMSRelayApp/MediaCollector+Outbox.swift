import Foundation
import Logging
import MailRender
import Outbox
import SMSRelayCore
import SMSRelayLambdaApp

/// The server's half of ``MediaCollector``: step by step, the progress kept in the outbox.
extension MediaCollector {
    /// The progress of a message not looked at yet: every readable item due now.
    package func initialProgress(for message: InboundMessage) -> [MediaProgress] {
        message.media.map { item in
            if let problem = item.problem { return MediaProgress(state: .failed, error: problem) }
            if item.url.isEmpty { return MediaProgress(state: .failed, error: "the carrier gave no address for it") }
            return MediaProgress()
        }
    }

    // MARK: - Server mode: one pass

    /// The progress with the downloaded items whose file is not in this relay's media folder
    /// due again: another relay sharing the outbox downloaded them into its own folder.
    package func missingFilesPending(_ progress: [MediaProgress]) -> [MediaProgress] {
        guard let folder else { return progress }
        return progress.map { item in
            guard item.state == .fetched, let name = item.sha256, !folder.contains(name) else { return item }
            return MediaProgress()
        }
    }

    /// Attempts every item due at `now`, in the message's order, and returns the new progress.
    package func advance(_ message: InboundMessage, progress: [MediaProgress], now: () -> Date, logger: Logger) async -> [MediaProgress] {
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
    package static func nextDue(_ progress: [MediaProgress], now: Date) -> Date? {
        progress.filter { $0.state == .pending }.map { $0.retryAt ?? now }.min()
    }

    /// What the email attaches, read from the media folder, within the limit for all items.
    package func outcomes(for message: InboundMessage, progress: [MediaProgress]) -> [MediaOutcome] {
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


    func scheduleRetry(_ item: MediaProgress, reason: String, now: Date) -> MediaProgress {
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

    func log(_ item: MediaProgress, position: Int, logger: Logger) {
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
}
