import CarrierAPI
import FlowrouteAPI
import Foundation
import Logging
import MailKit
import MailRender
import Metrics
import Outbox
import ServiceLifecycle
import SMSRelayLambdaApp
import SMSRelayCore
import Synchronization

/// Drains the outbox: composes each due message, hands it to the transport, and records the outcome.
///
/// Transient failures are retried on the ``RetryPolicy``; permanent ones, and messages past their
/// retry horizon, become dead. A suspended transport (refused credentials) postpones messages
/// without counting an attempt, so they wait for the fix instead of dying.
///
/// The outbox is the one place a delivery is remembered, so the worker never sends what it
/// could not record: when recording an outcome fails (a full disk, a database locked or made
/// read-only), the outcome is kept in memory and written first thing once the outbox takes
/// writes again, the message is not attempted again meanwhile, and the worker backs off, from a
/// second up to a minute, instead of spinning. On graceful shutdown the worker finishes the
/// messages in hand and stops; whatever is still pending is picked up at the next start.
///
/// Up to ``concurrency`` messages are in flight at once, one per conversation: the texts of one
/// sender to one of our numbers (and the replies and notices between them) go out one at a time,
/// in outbox order, within a claimed batch. A message that failed and waits for its retry does
/// not hold back the later messages of its conversation: they go when due, and it follows later.
public final class DeliveryWorker: Service, Sendable {
    /// Renders a message, with what became of its media (nil: links only).
    public typealias Compose = ComposeEmail

    /// What became of one attempt, as the outbox must record it. A follow-up is a notice to
    /// store with it (a reply that died, or was sent with confirmations on).
    enum Outcome: Sendable {
        case sent(MailReceipt, followUp: ReplyNotice? = nil)
        case failed(error: String, retryAt: Date?, followUp: ReplyNotice? = nil)
        case postponed(reason: String, until: Date)
        /// Media still to download: the email waits for them, no delivery attempt is counted.
        case mediaPending(progress: [MediaProgress], until: Date)
    }

    private struct State {
        /// Outcomes reached but not yet recorded, by outbox id.
        var unrecorded: [Int64: Outcome] = [:]
        /// Store failures in a row; each doubles the pause before the next try.
        var storeFailures = 0
    }

    private let store: any OutboxStore
    private let transport: any MailTransport
    private let compose: Compose
    private let media: MediaCollector?
    private let replies: ReplyDispatch?
    private let policy: RetryPolicy
    private let pollInterval: Duration
    private let batchSize: Int
    private let lease: Duration
    /// The most messages in flight at once.
    let concurrency: Int
    /// Who this worker is in the outbox's claims: host, process and a random part.
    let owner: String
    private let logger: Logger
    private let wakeSignal = WakeSignal()
    private let state = Mutex(State())

    /// The longest pause after repeated failures to write the outbox.
    static let maximumStorePause = Duration.seconds(60)

    /// - Parameters:
    ///   - compose: turns a stored message into the email to send (routing and templates).
    ///   - pollInterval: the longest the worker sleeps without looking at the outbox; short, so
    ///     that a change another process makes (`smsrelay outbox retry`) is picked up at once.
    public convenience init(
        store: any OutboxStore,
        transport: any MailTransport,
        policy: RetryPolicy,
        pollInterval: Duration = .seconds(1),
        batchSize: Int = 50,
        lease: Duration = DeliveryWorker.defaultLease,
        concurrency: Int = DeliveryWorker.defaultConcurrency,
        logger: Logger,
        compose: @escaping Compose
    ) {
        self.init(
            store: store, transport: transport, policy: policy, pollInterval: pollInterval, batchSize: batchSize,
            lease: lease, concurrency: concurrency, logger: logger, media: nil, replies: nil, compose: compose)
    }

    /// How long a claim on a batch lasts by default: longer than a batch takes, short enough that
    /// another relay sharing the outbox takes over soon after this one dies.
    public static let defaultLease = Duration.seconds(120)

    /// How many messages are in flight at once by default (`SMSRELAY_DELIVERY_CONCURRENCY`).
    public static let defaultConcurrency = RelaySettings.defaultDeliveryConcurrency

    /// - Parameters:
    ///   - media: downloads MMS media before the email is composed; nil sends links only.
    ///   - replies: sends replies as SMS and notices as email; nil leaves both in the outbox.
    ///   - concurrency: the most messages in flight at once (at least 1).
    init(
        store: any OutboxStore,
        transport: any MailTransport,
        policy: RetryPolicy,
        pollInterval: Duration = .seconds(1),
        batchSize: Int = 50,
        lease: Duration = DeliveryWorker.defaultLease,
        concurrency: Int = DeliveryWorker.defaultConcurrency,
        logger: Logger,
        media: MediaCollector?,
        replies: ReplyDispatch?,
        compose: @escaping Compose
    ) {
        self.media = media
        self.replies = replies
        self.store = store
        self.transport = transport
        self.compose = compose
        self.policy = policy
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.lease = lease
        self.concurrency = max(1, concurrency)
        self.owner = Self.makeOwner()
        self.logger = logger
    }

    /// `host:pid:random`, unique among the workers sharing an outbox.
    private static func makeOwner() -> String {
        let host = ProcessInfo.processInfo.hostName
        let random = String(UInt32.random(in: .min ... .max), radix: 16)
        return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(random)"
    }

    /// Asks the worker to look at the outbox now (a message was just stored).
    public func wake() {
        wakeSignal.signal()
    }

    /// How many delivered or failed messages wait to be recorded in the outbox.
    public var unrecordedCount: Int { state.withLock { $0.unrecorded.count } }

    public func run() async throws {
        logger.info("delivery worker started", metadata: ["transport": "\(transport.name)", "concurrency": "\(concurrency)"])
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let moreDue = await drainOnce()
                if let pause = storePause {
                    await pauseIgnoringWakes(pause)
                } else if !moreDue {
                    await wakeSignal.wait(timeout: await sleepDuration())
                }
            }
        } onGracefulShutdown: {
            self.wakeSignal.signal()
        }
        if await !recordPending(now: Date()) {
            let ids = state.withLock { $0.unrecorded.keys.sorted() }
            logger.error(
                "stopping with outcomes the outbox could not record; these messages may be sent again after the restart",
                metadata: ["outbox_ids": "\(ids)"])
        }
        await transport.shutdown()
        logger.info("delivery worker stopped")
    }

    /// Records what waits to be recorded, then claims the messages due now, one batch at most,
    /// and attempts them, up to ``concurrency`` at once. Returns true when more may be due (a
    /// full batch was taken, or its rest was given back at half the lease).
    ///
    /// The batch is split into conversations (``OutboxItem/conversation``): the messages of one
    /// conversation go one after another, in outbox order, never two at once; those of different
    /// conversations overlap. A message is started only while at least half of the batch's lease
    /// is left; the rest of the batch is given back for the next claim, so that no claim runs out
    /// mid-attempt and hands the message to another relay too. A graceful stop, or an outcome
    /// the outbox cannot record, starts nothing more: the sends in flight finish, the rest is
    /// given back.
    @discardableResult
    public func drainOnce(now: @Sendable () -> Date = Date.init) async -> Bool {
        guard await recordPending(now: now()) else { return false }
        let entries: [OutboxEntry]
        // The lease runs from the time the claim says, on the same clock as the outbox's times.
        let claimedAt = now()
        do {
            entries = try await store.claim(kinds, now: claimedAt, limit: batchSize, lease: lease.timeInterval, owner: owner)
        } catch {
            noteStoreFailure(error, doing: "read the outbox")
            return false
        }
        noteStoreSuccess()
        let halt = BatchHalt()
        let notStarted: [Int64] = await withoutActuallyEscaping(now) { now in
            await withTaskGroup(of: [Int64].self) { group in
                var lanes = Self.lanes(entries)[...]
                var notStarted: [Int64] = []
                for _ in 0..<concurrency {
                    guard let lane = lanes.popFirst() else { break }
                    group.addTask { await self.deliver(lane, claimedAt: claimedAt, halt: halt, now: now) }
                }
                while let rest = await group.next() {
                    notStarted += rest
                    if let lane = lanes.popFirst() {
                        group.addTask { await self.deliver(lane, claimedAt: claimedAt, halt: halt, now: now) }
                    }
                }
                return notStarted
            }
        }
        let rest = notStarted.filter { id in state.withLock { $0.unrecorded[id] == nil } }
        if !rest.isEmpty { try? await store.release(ids: rest, owner: owner) }
        switch halt.reason {
        case .stopping?, .storeFailure?: return false
        case .halfLease?: return true
        case nil: return entries.count == batchSize
        }
    }

    /// The claimed batch as lanes: each conversation's messages in id order, the conversations
    /// in the order of their oldest message in the claim.
    static func lanes(_ entries: [OutboxEntry]) -> [[OutboxEntry]] {
        var order: [String] = []
        var byConversation: [String: [OutboxEntry]] = [:]
        for entry in entries {
            let key = entry.item.conversation
            if byConversation[key] == nil { order.append(key) }
            byConversation[key, default: []].append(entry)
        }
        return order.map { key in byConversation[key, default: []].sorted { $0.id < $1.id } }
    }

    /// Attempts one lane's messages in turn, until the batch halts. Returns the ids it did not start.
    private func deliver(_ lane: [OutboxEntry], claimedAt: Date, halt: BatchHalt, now: @Sendable () -> Date) async -> [Int64] {
        for (index, entry) in lane.enumerated() {
            if Task.isShuttingDownGracefully || Task.isCancelled {
                halt.note(.stopping)
            } else if now().timeIntervalSince(claimedAt) > lease.timeInterval / 2 {
                halt.note(.halfLease)
            }
            if halt.reason != nil { return lane[index...].map(\.id) }
            if state.withLock({ $0.unrecorded[entry.id] != nil }) { continue }
            let outcome = await attemptHoldingClaim(entry, now: now)
            guard await record(outcome, for: entry, now: now()) else {
                // Sending more now would only add to what cannot be recorded.
                halt.note(.storeFailure)
                return lane[(index + 1)...].map(\.id)
            }
        }
        return []
    }

    // MARK: - One attempt

    /// The kinds of rows this worker sends: inbound messages; with replies, notices; with a
    /// carrier's API credentials, replies too.
    var kinds: Set<OutboxKind> {
        guard let replies else { return [.inbound] }
        return replies.senders.isEmpty ? [.inbound, .notice] : [.inbound, .notice, .reply]
    }

    /// Attempts `entry` while renewing its claim every third of the lease: a slow mail server
    /// (RFC 5321 allows minutes for each step) must not let the claim run out and hand the
    /// message to another relay in the middle of its send.
    private func attemptHoldingClaim(_ entry: OutboxEntry, now: @Sendable () -> Date) async -> Outcome {
        await withoutActuallyEscaping(now) { now in
            await withTaskGroup(of: Void.self) { group in
                let (store, owner, lease, id) = (self.store, self.owner, self.lease, entry.id)
                group.addTask {
                    while (try? await Task.sleep(for: lease / 3)) != nil {
                        try? await store.renew(ids: [id], owner: owner, now: now(), lease: lease.timeInterval)
                    }
                }
                let outcome = await attempt(entry, now: now)
                group.cancelAll()
                return outcome
            }
        }
    }

    private func attempt(_ entry: OutboxEntry, now: () -> Date) async -> Outcome {
        let logger = self.logger(for: entry)
        switch entry.item {
        case .inbound(let message):
            var outcomes: [MediaOutcome]?
            if let media, media.applies(to: message) {
                switch await prepareMedia(entry, message: message, media: media, now: now, logger: logger) {
                case .ready(let ready):
                    outcomes = ready
                case .waiting(let progress, let until):
                    return .mediaPending(progress: progress, until: until)
                }
            }
            let compose = self.compose
            // The outbox counted the conversation's texts; a row stored before it did goes by month.
            let thread = entry.conversationPosition.map(ConversationThread.position)
            return outcome(await mail { try compose(message, outcomes, thread) }, for: entry, now: now, logger: logger)
        case .notice(let notice):
            guard let replies else { return .postponed(reason: "notices are not sent by this worker", until: now().addingTimeInterval(3600)) }
            return outcome(await mail { try replies.composeNotice(notice) }, for: entry, now: now, logger: logger)
        case .reply(let reply):
            guard let replies, let sender = replies.senders[reply.carrier] else {
                let carrier = Carrier.displayName(ofTag: reply.carrier)
                return .postponed(reason: "no \(carrier) API credentials to send replies with", until: now().addingTimeInterval(3600))
            }
            return await send(reply, entry: entry, through: sender, replies: replies, now: now, logger: logger)
        }
    }

    /// Composes an email and hands it to the transport.
    private func mail(_ make: () throws -> Email) async -> Result<MailReceipt, MailTransportError> {
        do {
            let email = try make()
            let started = ContinuousClock.now
            defer {
                Metrics.Timer(label: RelayMetric.deliveryDuration.name, dimensions: [("transport", transport.name)])
                    .record(duration: started.duration(to: .now))
            }
            return .success(try await transport.send(email))
        } catch let error as MailTransportError {
            return .failure(error)
        } catch let error as MailKitError {
            return .failure(.permanent("cannot compose the email: \(error)"))
        } catch {
            return .failure(.transient("\(error)"))
        }
    }

    /// Sends a reply as an SMS; a reply that dies, or is sent with confirmations on, leaves a notice.
    private func send(
        _ reply: OutboundReply, entry: OutboxEntry, through sender: any TextSender, replies: ReplyDispatch, now: () -> Date, logger: Logger
    ) async -> Outcome {
        var logger = logger
        logger[metadataKey: "segments"] = "\(SMSSegments.count(reply.body).segments)"
        logger[metadataKey: "carrier"] = "\(reply.carrier)"
        let carrier = Carrier.displayName(ofTag: reply.carrier)
        let result: Result<MailReceipt, MailTransportError>
        do {
            let text = OutgoingText(from: reply.from, to: reply.recipients, body: reply.body, statusCallbackURL: replies.deliveryReceiptURL(reply.carrier))
            let sent = try await sender.send(text)
            result = .success(MailReceipt(transportMessageID: sent.messageID.isEmpty ? nil : sent.messageID))
        } catch {
            result = .failure(error.isTransient ? .transient(error.message) : .permanent(error.message))
        }
        switch outcome(result, for: entry, now: now, logger: logger) {
        case .sent(let receipt, _) where replies.confirm:
            let confirmation = ReplyNotice(
                .sent, about: reply, reason: "\(carrier) took it\(receipt.transportMessageID.map { " as \($0)" } ?? "").",
                key: "sent:\(entry.id)")
            return .sent(receipt, followUp: confirmation)
        case .failed(let error, nil, _):
            let tries = entry.attempts + 1
            let last = ReplyNotice.sentence(error)
            let notice = ReplyNotice(
                .notSent, about: reply, reason: "\(carrier) did not take it (\(tries) attempt\(tries == 1 ? "" : "s")). The last answer: \(last)",
                key: "not-sent:\(entry.id):\(Int(entry.pendingSince.timeIntervalSince1970))")
            return .failed(error: error, retryAt: nil, followUp: notice)
        case let other:
            return other
        }
    }

    /// What the outbox records for a send's result: sent, retried later, postponed or dead.
    private func outcome(_ result: Result<MailReceipt, MailTransportError>, for entry: OutboxEntry, now: () -> Date, logger: Logger) -> Outcome {
        let outcome = decide(result, for: entry, now: now, logger: logger)
        count(outcome, for: entry, now: now())
        return outcome
    }

    /// `smsrelay_deliveries_total` (emails) or `smsrelay_replies_total` (SMS), and for a sent
    /// email `smsrelay_delivery_latency_seconds`.
    private func count(_ outcome: Outcome, for entry: OutboxEntry, now: Date) {
        let name: String
        switch outcome {
        case .sent: name = "sent"
        case .failed(_, let retryAt, _): name = retryAt == nil ? (entry.item.kind == .reply ? "failed" : "dead") : "retry"
        case .postponed: name = "postponed"
        case .mediaPending: return
        }
        if entry.item.kind == .reply {
            Metrics.Counter(label: RelayMetric.replies.name, dimensions: [("outcome", name)]).increment()
            return
        }
        Metrics.Counter(label: RelayMetric.deliveries.name, dimensions: [("transport", transport.name), ("outcome", name)]).increment()
        if case .sent = outcome {
            Metrics.Timer(label: RelayMetric.deliveryLatency.name, dimensions: [("transport", transport.name)])
                .record(duration: .nanoseconds(Int64(max(0, now.timeIntervalSince(entry.pendingSince)) * 1e9)))
        }
    }

    private func decide(_ result: Result<MailReceipt, MailTransportError>, for entry: OutboxEntry, now: () -> Date, logger: Logger) -> Outcome {
        switch result {
        case .success(let receipt):
            var metadata: Logger.Metadata = ["transport_id": "\(receipt.transportMessageID ?? "-")"]
            if !receipt.rejectedRecipients.isEmpty {
                metadata["rejected_recipients"] = "\(receipt.rejectedRecipients.keys.sorted())"
            }
            logger.info(entry.item.kind == .reply ? "reply sent as SMS" : "message delivered", metadata: metadata)
            return .sent(receipt)
        case .failure(let error) where error.kind == .suspended:
            // Not the message's fault, and nothing was tried: no attempt is counted. The
            // transport has logged why, once.
            let until = now().addingTimeInterval(RetryPolicy.seconds(error.retryAfter ?? policy.baseDelay))
            logger.debug("delivery paused by the transport", metadata: ["error": "\(error.message)", "retry_at": "\(until)"])
            return .postponed(reason: error.message, until: until)
        case .failure(let error):
            let delay = error.kind == .transient
                ? policy.delay(afterFailedAttempts: entry.attempts + 1, pendingSince: entry.pendingSince, now: now())
                : nil
            let retryAt = delay.map { now().addingTimeInterval(RetryPolicy.seconds($0)) }
            if let retryAt {
                logger.warning("delivery failed; will retry", metadata: ["error": "\(error.message)", "retry_at": "\(retryAt)"])
            } else {
                logger.error(
                    "delivery failed; message is dead (smsrelay outbox retry \(entry.id) revives it)",
                    metadata: ["error": "\(error.message)", "permanent": "\(error.kind == .permanent)"])
            }
            return .failed(error: error.message, retryAt: retryAt)
        }
    }

    // MARK: - Media

    private enum MediaReadiness {
        case ready([MediaOutcome])
        case waiting(progress: [MediaProgress], until: Date)
    }

    /// Downloads what is due of the message's media; ready once every item is settled.
    private func prepareMedia(
        _ entry: OutboxEntry, message: InboundMessage, media: MediaCollector, now: () -> Date, logger: Logger
    ) async -> MediaReadiness {
        let before = entry.media ?? media.initialProgress(for: message)
        var progress = media.missingFilesPending(before)
        if !progress.allSatisfy(\.isSettled) {
            progress = await media.advance(message, progress: progress, now: now, logger: logger)
        }
        if let next = MediaCollector.nextDue(progress, now: now()) {
            return .waiting(progress: progress, until: next)
        }
        if progress != entry.media {
            // Settled now: kept before the send, so a failed send does not download them again.
            do {
                try await store.recordMedia(id: entry.id, progress: progress, nextAttemptAt: now(), now: now())
            } catch {
                logger.warning("cannot record the media downloads; they are downloaded again if this send fails", metadata: ["error": "\(error)"])
            }
        }
        return .ready(media.outcomes(for: message, progress: progress))
    }

    /// Removes a sent message's downloaded files that no other unsent message names. A file
    /// that cannot be looked up now stays (a later send of the same file removes it).
    private func removeMedia(ofMessage id: Int64) async {
        guard let media, !media.settings.keep, let folder = media.folder else { return }
        guard let progress = try? await store.entry(id: id)?.media else { return }
        let names = Set(progress.compactMap { $0.state == .fetched ? $0.sha256 : nil })
        guard !names.isEmpty, let inUse = try? await store.mediaInUse(names, excluding: id) else { return }
        folder.remove(names.subtracting(inUse))
    }

    // MARK: - Recording

    /// Records `outcome`; if the outbox cannot take it, keeps it to record later. Returns whether it was recorded.
    private func record(_ outcome: Outcome, for entry: OutboxEntry, now: Date) async -> Bool {
        do {
            try await write(outcome, id: entry.id, now: now)
            noteStoreSuccess()
            if case .sent = outcome, entry.item.kind == .inbound { await removeMedia(ofMessage: entry.id) }
            return true
        } catch {
            state.withLock { $0.unrecorded[entry.id] = outcome }
            noteStoreFailure(error, doing: "record the outcome of message \(entry.id)")
            return false
        }
    }

    /// Records every kept outcome. Returns false (and keeps the rest) at the first failure.
    private func recordPending(now: Date) async -> Bool {
        let pending = state.withLock { $0.unrecorded.sorted { $0.key < $1.key } }
        for (id, outcome) in pending {
            do {
                try await write(outcome, id: id, now: now)
                _ = state.withLock { $0.unrecorded.removeValue(forKey: id) }
                if case .sent = outcome { await removeMedia(ofMessage: id) }
                logger.notice("recorded a delivery outcome that had waited for the outbox", metadata: ["outbox_id": "\(id)"])
            } catch {
                noteStoreFailure(error, doing: "record the outcome of message \(id)")
                return false
            }
        }
        if !pending.isEmpty { noteStoreSuccess() }
        return true
    }

    private func write(_ outcome: Outcome, id: Int64, now: Date) async throws {
        switch outcome {
        case .sent(let receipt, let followUp):
            try await store.markSent(
                id: id, receipt: SentReceipt(transportMessageID: receipt.transportMessageID, rejectedRecipients: receipt.rejectedRecipients),
                now: now)
            // Stored once per event: recording the outcome again stores no second notice.
            if let followUp { _ = try await store.enqueue(.notice(followUp), now: now) }
        case .failed(let error, let retryAt, let followUp):
            try await store.markFailed(id: id, error: error, retryAt: retryAt, now: now)
            if let followUp { _ = try await store.enqueue(.notice(followUp), now: now) }
        case .postponed(let reason, let until):
            try await store.postpone(id: id, reason: reason, until: until, now: now)
        case .mediaPending(let progress, let until):
            try await store.recordMedia(id: id, progress: progress, nextAttemptAt: until, now: now)
        }
    }

    // MARK: - Pauses

    private func noteStoreFailure(_ error: any Error, doing what: String) {
        let failures = state.withLock { state -> Int in
            state.storeFailures += 1
            return state.storeFailures
        }
        logger.error("cannot \(what); delivery pauses until the outbox takes writes again", metadata: [
            "error": "\(error)", "pause": "\(storePause ?? .zero)", "failures_in_a_row": "\(failures)",
        ])
    }

    private func noteStoreSuccess() {
        state.withLock { $0.storeFailures = 0 }
    }

    /// After store failures: one second, doubling, at most a minute; nil when the last store call worked.
    private var storePause: Duration? {
        let failures = state.withLock { $0.storeFailures }
        guard failures > 0 else { return nil }
        return min(.seconds(1 << min(failures - 1, 6)), Self.maximumStorePause)
    }

    /// Waits out `pause`; a new message does not cut it short, a shutdown does.
    private func pauseIgnoringWakes(_ pause: Duration) async {
        let end = ContinuousClock.now + pause
        while !Task.isShuttingDownGracefully, !Task.isCancelled, ContinuousClock.now < end {
            await wakeSignal.wait(timeout: end - ContinuousClock.now)
        }
    }

    private func sleepDuration() async -> Duration {
        guard let next = try? await store.nextDueDate(kinds) else { return pollInterval }
        let wait = next.timeIntervalSinceNow
        if wait <= 0 { return .milliseconds(10) }
        return min(pollInterval, .milliseconds(Int64(wait * 1000) + 1))
    }

    private func logger(for entry: OutboxEntry) -> Logger {
        var logger = self.logger
        logger[metadataKey: "outbox_id"] = "\(entry.id)"
        switch entry.item {
        case .inbound(let message): logger[metadataKey: "message_id"] = "\(message.id)"
        case .reply(let reply): logger[metadataKey: "reply_message_id"] = "\(reply.replyMessageID)"
        case .notice(let notice): logger[metadataKey: "notice"] = "\(notice.kind.rawValue)"
        }
        logger[metadataKey: "kind"] = "\(entry.item.kind.rawValue)"
        logger[metadataKey: "attempt"] = "\(entry.attempts + 1)"
        return logger
    }
}
