import Foundation
import Logging
import MailKit
import ServiceLifecycle
import SMSRelayCore

/// Drains the outbox: composes each due message, hands it to the transport, and records the outcome.
///
/// Transient failures are retried on the ``RetryPolicy``; permanent ones, and messages out of
/// attempts, become dead. A suspended transport (refused credentials) postpones messages without
/// counting an attempt, so they wait for the fix instead of dying. On graceful shutdown the worker finishes the message in hand and stops;
/// whatever is still pending is picked up at the next start.
public final class DeliveryWorker: Service, Sendable {
    public typealias Compose = @Sendable (InboundMessage) throws -> Email

    private let store: any OutboxStore
    private let transport: any MailTransport
    private let compose: Compose
    private let policy: RetryPolicy
    private let pollInterval: Duration
    private let batchSize: Int
    private let logger: Logger
    private let wakeSignal = WakeSignal()

    /// - Parameters:
    ///   - compose: turns a stored message into the email to send (routing and templates).
    ///   - pollInterval: the longest the worker sleeps when nothing wakes it.
    public init(
        store: any OutboxStore,
        transport: any MailTransport,
        policy: RetryPolicy,
        pollInterval: Duration = .seconds(30),
        batchSize: Int = 50,
        logger: Logger,
        compose: @escaping Compose
    ) {
        self.store = store
        self.transport = transport
        self.compose = compose
        self.policy = policy
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.logger = logger
    }

    /// Asks the worker to look at the outbox now (a message was just stored).
    public func wake() {
        wakeSignal.signal()
    }

    public func run() async throws {
        logger.info("delivery worker started", metadata: ["transport": "\(transport.name)"])
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let moreDue = await drainOnce()
                if moreDue { continue }
                await wakeSignal.wait(timeout: await sleepDuration())
            }
        } onGracefulShutdown: {
            self.wakeSignal.signal()
        }
        await transport.shutdown()
        logger.info("delivery worker stopped")
    }

    /// Attempts every message due now, one batch at most. Returns true when a full batch was taken
    /// (more may be due).
    @discardableResult
    public func drainOnce(now: @Sendable () -> Date = Date.init) async -> Bool {
        let entries: [OutboxEntry]
        do {
            entries = try await store.due(now: now(), limit: batchSize)
        } catch {
            logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
            return false
        }
        for entry in entries {
            if Task.isShuttingDownGracefully || Task.isCancelled { return false }
            await attempt(entry, now: now)
        }
        return entries.count == batchSize
    }

    private func attempt(_ entry: OutboxEntry, now: () -> Date) async {
        var logger = self.logger
        logger[metadataKey: "outbox_id"] = "\(entry.id)"
        logger[metadataKey: "message_id"] = "\(entry.message.id)"
        logger[metadataKey: "attempt"] = "\(entry.attempts + 1)"
        let outcome: Result<MailReceipt, MailTransportError>
        do {
            let email = try compose(entry.message)
            outcome = .success(try await transport.send(email))
        } catch let error as MailTransportError {
            outcome = .failure(error)
        } catch let error as MailKitError {
            outcome = .failure(.permanent("cannot compose the email: \(error)"))
        } catch {
            outcome = .failure(.transient("\(error)"))
        }
        do {
            switch outcome {
            case .success(let receipt):
                try await store.markSent(id: entry.id, receipt: receipt, now: now())
                var metadata: Logger.Metadata = ["transport_id": "\(receipt.transportMessageID ?? "-")"]
                if !receipt.rejectedRecipients.isEmpty {
                    metadata["rejected_recipients"] = "\(receipt.rejectedRecipients.keys.sorted())"
                }
                logger.info("message delivered", metadata: metadata)
            case .failure(let error) where error.kind == .suspended:
                // Not the message's fault, and nothing was tried: no attempt is counted. The
                // transport has logged why, once.
                let retryAt = now().addingTimeInterval(Self.seconds(error.retryAfter ?? policy.baseDelay))
                try await store.postpone(id: entry.id, reason: error.message, until: retryAt, now: now())
                logger.debug("delivery paused by the transport", metadata: ["error": "\(error.message)", "retry_at": "\(retryAt)"])
            case .failure(let error):
                let failedAttempts = entry.attempts + 1
                let delay = error.kind == .transient ? policy.delay(afterFailedAttempts: failedAttempts) : nil
                let retryAt = delay.map { now().addingTimeInterval(Self.seconds($0)) }
                try await store.markFailed(id: entry.id, error: error.message, retryAt: retryAt, now: now())
                if let retryAt {
                    logger.warning(
                        "delivery failed; will retry",
                        metadata: ["error": "\(error.message)", "retry_at": "\(retryAt)"])
                } else {
                    logger.error(
                        "delivery failed; message is dead (smsrelay outbox retry \(entry.id) revives it)",
                        metadata: ["error": "\(error.message)", "permanent": "\(error.kind == .permanent)"])
                }
            }
        } catch {
            // The outcome could not be recorded: the message stays pending and is tried again.
            logger.error("cannot record the delivery outcome", metadata: ["error": "\(error)"])
        }
    }

    private func sleepDuration() async -> Duration {
        guard let next = try? await store.nextDueDate() else { return pollInterval }
        let wait = next.timeIntervalSinceNow
        if wait <= 0 { return .milliseconds(10) }
        return min(pollInterval, .milliseconds(Int64(wait * 1000) + 1))
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }
}
