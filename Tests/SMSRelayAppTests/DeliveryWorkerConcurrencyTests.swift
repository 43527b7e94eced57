import Foundation
import Logging
import MailKit
import Outbox
@testable import SMSRelayApp
import SMSRelayCore
import SMTPTransport
import Synchronization
import Testing
import TestSupport

/// A transport that holds every send until `holdUntil` are in flight at once (or the test opens
/// it), and records what overlapped: only a worker that sends that many at once gets through.
final class HoldingTransport: MailTransport {
    let name = "holding"
    private struct State {
        var holdUntil: Int
        var isOpen = false
        var inFlight = 0
        var maxInFlight = 0
        /// In flight per conversation (the sender's number, the email's display name).
        var perConversation: [String: Int] = [:]
        var maxPerConversation = 0
        /// Message-IDs in the order their sends started.
        var started: [String] = []
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(holdUntil: Int) {
        state = Mutex(State(holdUntil: holdUntil))
    }

    var maxInFlight: Int { state.withLock { $0.maxInFlight } }
    var maxPerConversation: Int { state.withLock { $0.maxPerConversation } }
    var started: [String] { state.withLock { $0.started } }

    /// Lets every send through from now on.
    func open() {
        let waiting = state.withLock { state in
            state.isOpen = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func send(_ email: Email) async throws -> MailReceipt {
        let conversation = email.from.displayName ?? ""
        await withCheckedContinuation { continuation in
            let released = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.inFlight += 1
                state.maxInFlight = max(state.maxInFlight, state.inFlight)
                state.perConversation[conversation, default: 0] += 1
                state.maxPerConversation = max(state.maxPerConversation, state.perConversation[conversation, default: 0])
                state.started.append(email.messageID)
                state.waiting.append(continuation)
                guard state.isOpen || state.inFlight >= state.holdUntil else { return [] }
                defer { state.waiting = [] }
                return state.waiting
            }
            for waiting in released { waiting.resume() }
        }
        state.withLock { state in
            state.inFlight -= 1
            state.perConversation[conversation, default: 0] -= 1
        }
        return MailReceipt(transportMessageID: "held-\(email.messageID)")
    }
}

@Suite("Delivery worker: concurrent sends")
struct DeliveryWorkerConcurrencyTests {
    /// A text from `sender` to our number.
    static func message(_ id: String, from sender: String) -> InboundMessage {
        InboundMessage(
            carrier: "flowroute", id: id, from: sender, to: "12065550100", body: "hello \(id)",
            receivedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    static func worker(_ store: any OutboxStore, _ transport: any MailTransport, concurrency: Int) -> DeliveryWorker {
        DeliveryWorker(
            store: store, transport: transport, policy: RetryPolicy(), concurrency: concurrency, logger: Logger(label: "test"),
            compose: DeliveryWorkerTests.compose)
    }

    /// Drains once while `check` runs; opens the transport if `check` fails, so the drain ends.
    static func drain(_ worker: DeliveryWorker, _ transport: HoldingTransport, while check: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await worker.drainOnce() }
            do {
                try await check()
            } catch {
                transport.open()
                throw error
            }
            try await group.waitForAll()
        }
    }

    @Test("messages of different conversations are sent at once, up to the concurrency and no more")
    func overlapUpToTheLimit() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            for n in 1...8 {
                _ = try await store.enqueue(Self.message("c-\(n)", from: "1206555020\(n)"), now: Date())
            }
            let transport = HoldingTransport(holdUntil: 4)
            let worker = Self.worker(store, transport, concurrency: 4)
            try await Self.drain(worker, transport) {
                try await eventually("all sent, four at a time") { try await store.counts().sent == 8 }
            }
            #expect(transport.maxInFlight == 4)
        }
    }

    @Test("one conversation's messages never overlap and go in outbox order, while conversations overlap")
    func conversationsKeepOrder() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            let senders = ["12065550301", "12065550302", "12065550303"]
            var order: [String: [String]] = [:]
            for n in 1...4 {
                for sender in senders {
                    let id = "\(sender)-\(n)"
                    _ = try await store.enqueue(Self.message(id, from: sender), now: Date())
                    order[sender, default: []].append("\(id)@example.com")
                }
            }
            // Three conversations, four lanes: a round gets through only with all three in flight.
            let transport = HoldingTransport(holdUntil: 3)
            let worker = Self.worker(store, transport, concurrency: 4)
            try await Self.drain(worker, transport) {
                try await eventually("all sent") { try await store.counts().sent == 12 }
            }
            #expect(transport.maxPerConversation == 1)
            #expect(transport.maxInFlight == 3)
            for sender in senders {
                #expect(transport.started.filter { $0.hasPrefix(sender) } == order[sender])
            }
        }
    }

    @Test("with a concurrency of one, messages go one at a time in outbox order")
    func concurrencyOne() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            for n in 1...4 {
                _ = try await store.enqueue(Self.message("one-\(n)", from: "1206555040\(n)"), now: Date())
            }
            let transport = HoldingTransport(holdUntil: 1)
            await Self.worker(store, transport, concurrency: 1).drainOnce()
            #expect(transport.maxInFlight == 1)
            #expect(transport.started == (1...4).map { "one-\($0)@example.com" })
        }
    }

    @Test("a batch splits into lanes by conversation: texts in, replies out and notices of one pair share one")
    func lanes() {
        let now = Date()
        func entry(_ id: Int64, _ item: OutboxItem) -> OutboxEntry {
            OutboxEntry(
                id: id, item: item, status: .pending, attempts: 0, nextAttemptAt: now, lastError: nil, transportMessageID: nil,
                failedRecipients: [:], createdAt: now, updatedAt: now, sentAt: nil)
        }
        let reply = OutboundReply(from: "+1 206 555 0100", to: "12065550501", body: "ok", replier: "me@example.com", replyMessageID: "r1", receivedAt: now)
        let lanes = DeliveryWorker.lanes([
            entry(3, .inbound(Self.message("a", from: "12065550501"))),
            entry(1, .inbound(Self.message("b", from: "12065550502"))),
            entry(2, .reply(reply)),
            entry(5, .inbound(Self.message("c", from: "12065550501"))),
        ])
        #expect(lanes.map { $0.map(\.id) } == [[2, 3, 5], [1]])
    }

    @Test("through aiosmtpd, the worker's sends share a pool of connections, several at once")
    func throughSMTP() async throws {
        try await SMTPTestServer.with(["--data-barrier", "4", "--quiet"]) { server in
            try await withTemporaryDirectory { dir in
                let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
                for n in 1...8 {
                    _ = try await store.enqueue(Self.message("smtp-\(n)", from: "1206555060\(n)"), now: Date())
                }
                let configuration = try SMTPConfiguration(url: "smtp://127.0.0.1:\(server.port)?tls=none")
                let transport = SMTPTransport(configuration: configuration, maxConnections: 4, logger: Logger(label: "test"))
                let worker = Self.worker(store, transport, concurrency: 4)
                await worker.drainOnce()
                await transport.shutdown()
                #expect(try await store.counts().sent == 8)
                let events = try server.events()
                #expect(events.filter { $0.event == "barrier" }.map(\.held) == [4, 4], "four messages in flight at once, twice")
                #expect(!events.contains { $0.event == "barrier-timeout" })
                #expect(try server.connectionCount() == 4)
            }
        }
    }
}
