import Foundation
import GRDB
import Logging
import MailKit
import MailRender
import Outbox
@testable import SMSRelayApp
@testable import SMSRelayLambdaApp
import SMSRelayCore
import Synchronization
import Testing
import TestSupport

/// A transport whose outcomes the test scripts: each send takes the next outcome, and
/// succeeds once the script is used up. It stands in for a mail server that misbehaves on cue.
final class ScriptedTransport: MailTransport {
    let name = "scripted"
    private let state: Mutex<(script: [MailTransportError?], sent: [Email])>
    private let onSend: @Sendable (Email) throws -> Void

    /// - Parameter onSend: runs as each email is taken, before the answer.
    init(_ script: [MailTransportError?] = [], onSend: @escaping @Sendable (Email) throws -> Void = { _ in }) {
        state = Mutex((script, []))
        self.onSend = onSend
    }

    var sent: [Email] { state.withLock { $0.sent } }

    func send(_ email: Email) async throws -> MailReceipt {
        let failure = state.withLock { state -> MailTransportError? in
            let next = state.script.isEmpty ? nil : state.script.removeFirst()
            if next == nil { state.sent.append(email) }
            return next
        }
        if let failure { throw failure }
        try onSend(email)
        return MailReceipt(transportMessageID: "sent-\(email.messageID)")
    }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let now = Mutex(Date(timeIntervalSince1970: 1_000_000))
    func read() -> Date { now.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

@Suite("Delivery worker")
struct DeliveryWorkerTests {
    static func compose(_ message: InboundMessage, _ media: [MediaOutcome]? = nil, _ thread: ConversationThread? = nil) -> Email {
        Email(
            from: Mailbox(displayName: message.from, address: "sms@example.com"),
            to: [Mailbox(address: "me@example.com")],
            subject: "Text message from \(message.from)",
            date: message.receivedAt,
            messageID: "\(message.id)@example.com",
            textBody: message.body,
            htmlBody: "<p>\(message.body)</p>")
    }

    func makeWorker(_ store: any OutboxStore, _ transport: any MailTransport, maxAttempts: Int = 3) -> DeliveryWorker {
        DeliveryWorker(
            store: store, transport: transport,
            policy: RetryPolicy(maxAttempts: maxAttempts, baseDelay: .seconds(10), maxDelay: .seconds(100), jitter: 0),
            logger: Logger(label: "test"), compose: Self.compose)
    }

    @Test("a transient failure is retried after the backoff and then delivered once")
    func transientThenSent() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            let clock = TestClock()
            let transport = ScriptedTransport([.transient("452 4.3.1 insufficient storage")])
            let worker = makeWorker(store, transport)
            let id = try await store.enqueue(InboundMessage.sample(), now: clock.read()).id

            await worker.drainOnce(now: clock.read)
            var entry = try #require(try await store.entry(id: id))
            #expect(entry.status == .pending)
            #expect(entry.lastError == "452 4.3.1 insufficient storage")
            #expect(entry.nextAttemptAt == clock.read().addingTimeInterval(10))

            clock.advance(5)
            await worker.drainOnce(now: clock.read)
            #expect(transport.sent.isEmpty, "not due yet")

            clock.advance(5)
            await worker.drainOnce(now: clock.read)
            await worker.drainOnce(now: clock.read)
            entry = try #require(try await store.entry(id: id))
            #expect(entry.status == .sent)
            #expect(entry.attempts == 2)
            #expect(entry.transportMessageID == "sent-mdr2-1@example.com")
            #expect(transport.sent.count == 1)
        }
    }

    @Test("a permanent failure makes the message dead at once, with the server's words")
    func permanent() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            let transport = ScriptedTransport([.permanent("550 5.1.1 no such user")])
            let worker = makeWorker(store, transport)
            let id = try await store.enqueue(InboundMessage.sample(), now: Date())
                .id
            await worker.drainOnce()
            let entry = try #require(try await store.entry(id: id))
            #expect(entry.status == .dead)
            #expect(entry.lastError == "550 5.1.1 no such user")
            #expect(entry.attempts == 1)
        }
    }

    @Test("a message out of attempts becomes dead, and retry brings it back")
    func exhausted() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            let clock = TestClock()
            let transport = ScriptedTransport(Array(repeating: .transient("connection refused"), count: 3))
            let worker = makeWorker(store, transport, maxAttempts: 3)
            let id = try await store.enqueue(InboundMessage.sample(), now: clock.read()).id
            for _ in 0..<3 {
                await worker.drainOnce(now: clock.read)
                clock.advance(1000)
            }
            var entry = try #require(try await store.entry(id: id))
            #expect(entry.status == .dead)
            #expect(entry.attempts == 3)
            #expect(transport.sent.isEmpty)

            #expect(try await store.retry(id: id, now: clock.read()))
            await worker.drainOnce(now: clock.read)
            entry = try #require(try await store.entry(id: id))
            #expect(entry.status == .sent)
            #expect(transport.sent.count == 1)
        }
    }

    @Test("a suspended transport postpones messages without counting attempts, so they never die of it")
    func suspendedTransport() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            let clock = TestClock()
            let refused = "SMTP server refused AUTH PLAIN: 535 5.7.8 Authentication credentials invalid"
            // More suspensions than the policy allows attempts: a fixed password must not need `outbox retry`.
            let transport = ScriptedTransport(Array(repeating: .suspended(refused, retryAfter: .seconds(60)), count: 5))
            let worker = makeWorker(store, transport, maxAttempts: 3)
            let id = try await store.enqueue(InboundMessage.sample(), now: clock.read()).id

            for _ in 0..<5 {
                await worker.drainOnce(now: clock.read)
                let entry = try #require(try await store.entry(id: id))
                #expect(entry.status == .pending)
                #expect(entry.attempts == 0)
                #expect(entry.lastError == refused)
                #expect(entry.nextAttemptAt == clock.read().addingTimeInterval(60))
                clock.advance(30)
                await worker.drainOnce(now: clock.read)
                #expect(transport.sent.isEmpty)
                clock.advance(30)
            }
            await worker.drainOnce(now: clock.read)
            let entry = try #require(try await store.entry(id: id))
            #expect(entry.status == .sent)
            #expect(entry.attempts == 1)
            #expect(transport.sent.count == 1)
        }
    }

    @Test("a running worker that sleeps for its hour-long poll delivers a new message as soon as it is woken")
    func runLoop() async throws {
        try await withTemporaryDirectory { dir in
            let store = SleepWatchingStore(try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path))
            let transport = ScriptedTransport()
            let worker = DeliveryWorker(
                store: store, transport: transport, policy: RetryPolicy(), pollInterval: .seconds(3600),
                logger: Logger(label: "test"), compose: Self.compose)
            try await withThrowingTaskGroup(of: Void.self) { group in
                // A first message, due at the start: once it is sent the worker has drained the
                // outbox, finds nothing pending, and goes to sleep for its hour-long poll.
                _ = try await store.enqueue(InboundMessage.sample("first"), now: Date())
                group.addTask { try await worker.run() }
                do {
                    try await eventually("the first message sent and the worker asleep") {
                        transport.sent.count == 1 && store.emptyLooks > 0
                    }
                } catch {
                    throw TestFailure("\(error): \(transport.sent.count) sent, \(store.lookReport) looks, of which \(store.emptyLooks) empty")
                }
                // Only now the second: the worker cannot have seen it on its way to sleep.
                _ = try await store.enqueue(InboundMessage.sample("woken"), now: Date())
                worker.wake()
                try await eventually(timeout: .seconds(30), "the woken message") { transport.sent.count == 2 }
                group.cancelAll()
            }
            #expect(transport.sent.map(\.messageID) == ["first@example.com", "woken@example.com"])
        }
    }
}

/// An outbox that counts the times the worker, before it sleeps, asked when the next message
/// falls due and heard "none pending": after that, only a wake or the poll interval brings it back.
final class SleepWatchingStore: OutboxStore {
    private let store: any OutboxStore
    private let emptyCount = Mutex(0)
    private let asked = Mutex((count: 0, last: ""))

    init(_ store: any OutboxStore) {
        self.store = store
    }

    /// How many times ``nextDueDate(_:)`` found nothing pending.
    var emptyLooks: Int { emptyCount.withLock { $0 } }
    /// How many times it was asked, and what it answered last.
    var lookReport: String { asked.withLock { "\($0.count) (last: \($0.last))" } }

    func nextDueDate(_ kinds: Set<OutboxKind>) async throws -> Date? {
        do {
            let next = try await store.nextDueDate(kinds)
            asked.withLock { $0 = ($0.count + 1, next.map { "\($0)" } ?? "none") }
            if next == nil { emptyCount.withLock { $0 += 1 } }
            return next
        } catch {
            asked.withLock { $0 = ($0.count + 1, "error \(error)") }
            throw error
        }
    }

    func enqueue(_ item: OutboxItem, now: Date) async throws -> EnqueueResult { try await store.enqueue(item, now: now) }
    func record(_ receipt: DeliveryReceipt, now: Date) async throws -> Bool { try await store.record(receipt, now: now) }
    func due(_ kinds: Set<OutboxKind>, now: Date, limit: Int) async throws -> [OutboxEntry] {
        try await store.due(kinds, now: now, limit: limit)
    }
    func claim(_ kinds: Set<OutboxKind>, now: Date, limit: Int, lease: TimeInterval, owner: String) async throws -> [OutboxEntry] {
        try await store.claim(kinds, now: now, limit: limit, lease: lease, owner: owner)
    }
    func release(ids: [Int64], owner: String) async throws { try await store.release(ids: ids, owner: owner) }
    func renew(ids: [Int64], owner: String, now: Date, lease: TimeInterval) async throws {
        try await store.renew(ids: ids, owner: owner, now: now, lease: lease)
    }
    func markSent(id: Int64, receipt: SentReceipt, now: Date) async throws { try await store.markSent(id: id, receipt: receipt, now: now) }
    func markFailed(id: Int64, error: String, retryAt: Date?, now: Date) async throws {
        try await store.markFailed(id: id, error: error, retryAt: retryAt, now: now)
    }
    func postpone(id: Int64, reason: String, until retryAt: Date, now: Date) async throws {
        try await store.postpone(id: id, reason: reason, until: retryAt, now: now)
    }
    func recordMedia(id: Int64, progress: [MediaProgress], nextAttemptAt: Date, now: Date) async throws {
        try await store.recordMedia(id: id, progress: progress, nextAttemptAt: nextAttemptAt, now: now)
    }
    func mediaInUse(_ hashes: Set<String>, excluding id: Int64) async throws -> Set<String> {
        try await store.mediaInUse(hashes, excluding: id)
    }
    func list(_ kinds: Set<OutboxKind>, status: OutboxStatus?, limit: Int) async throws -> [OutboxEntry] {
        try await store.list(kinds, status: status, limit: limit)
    }
    func reply(transportMessageID: String) async throws -> OutboxEntry? { try await store.reply(transportMessageID: transportMessageID) }
    func receipts(messageID: String) async throws -> [DeliveryReceipt] { try await store.receipts(messageID: messageID) }
    func entry(id: Int64) async throws -> OutboxEntry? { try await store.entry(id: id) }
    func retry(id: Int64, now: Date) async throws -> Bool { try await store.retry(id: id, now: now) }
    func retryAllDead(now: Date) async throws -> Int { try await store.retryAllDead(now: now) }
    func counts() async throws -> OutboxCounts { try await store.counts() }
    func hourlyVolume(since: Date) async throws -> [HourlyVolume] { try await store.hourlyVolume(since: since) }
    func conversationKeys(ourNumber: String) async throws -> [String] { try await store.conversationKeys(ourNumber: ourNumber) }
    func close() async { await store.close() }
}

/// The worker while the outbox refuses writes but the mail server takes mail: another connection
/// holds SQLite's write lock, as a stuck process would; a full disk or a read-only remount fails
/// the same writes.
@Suite("Delivery worker when the outbox cannot be written")
struct DeliveryWorkerStoreFailureTests {
    /// Holds the database's write lock from a second connection until `release()`.
    final class WriteLock: Sendable {
        private let queue: DatabaseQueue

        init(path: String) throws {
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true  // the lock outlives one access, on purpose
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        }

        func release() throws {
            try queue.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
        }
    }

    /// Takes the database's write lock once, when the transport sends the first email: the
    /// worker claimed its batch, and now cannot record what it sent.
    final class LockOnFirstSend: Sendable {
        private let path: String
        private let held = Mutex<WriteLock?>(nil)

        init(path: String) {
            self.path = path
        }

        func take() throws {
            try held.withLock { held in
                if held == nil { held = try WriteLock(path: path) }
            }
        }

        func release() throws {
            try held.withLock { try $0?.release() }
        }
    }

    static func lockingOnFirstSend(path: String) -> (ScriptedTransport, LockOnFirstSend) {
        let lock = LockOnFirstSend(path: path)
        return (ScriptedTransport { _ in try lock.take() }, lock)
    }

    @Test("each message is sent once: the outcome waits in memory, nothing more is sent, and it is recorded when writes work again")
    func outcomesWaitInMemory() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("o.sqlite").path
            let store = try SQLiteOutboxStore(path: path, busyTimeout: 0.05)
            let clock = TestClock()
            for n in 1...3 {
                _ = try await store.enqueue(InboundMessage.sample("lock-\(n)"), now: clock.read())
            }
            let (transport, lock) = Self.lockingOnFirstSend(path: path)
            let worker = DeliveryWorkerTests().makeWorker(store, transport)
            for _ in 0..<5 {
                await worker.drainOnce(now: clock.read)
                clock.advance(60)
            }
            #expect(transport.sent.count == 1, "the first message went out; its outcome could not be recorded, so nothing more was sent")
            #expect(worker.unrecordedCount == 1)
            #expect(try await store.counts().pending == 3)

            try lock.release()
            await worker.drainOnce(now: clock.read)
            await worker.drainOnce(now: clock.read)
            #expect(worker.unrecordedCount == 0)
            #expect(try await store.counts().sent == 3)
            #expect(transport.sent.map(\.messageID).sorted() == ["lock-1@example.com", "lock-2@example.com", "lock-3@example.com"])
        }
    }

    @Test("the running worker neither storms nor resends while writes fail, and delivers everything once after")
    func runningWorkerDoesNotStorm() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("o.sqlite").path
            let store = try SQLiteOutboxStore(path: path, busyTimeout: 0.05)
            for n in 1...3 {
                _ = try await store.enqueue(InboundMessage.sample("storm-\(n)"), now: Date())
            }
            let (transport, lock) = Self.lockingOnFirstSend(path: path)
            let worker = DeliveryWorker(
                store: store, transport: transport, policy: RetryPolicy(), pollInterval: .milliseconds(50),
                logger: Logger(label: "test"), compose: DeliveryWorkerTests.compose)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                try await eventually("the first send") { transport.sent.count == 1 }
                // Two seconds of refused writes: the old worker sent the same email every few milliseconds.
                try await Task.sleep(for: .seconds(2))
                #expect(transport.sent.count == 1)
                try lock.release()
                try await eventually(timeout: .seconds(90), "everything recorded") { try await store.counts().sent == 3 }
                group.cancelAll()
            }
            #expect(transport.sent.count == 3)
            #expect(Set(transport.sent.map(\.messageID)).count == 3)
        }
    }
}
