import Foundation
import Logging
import Outbox
import SMSRelayApp
import SMSRelayCore
import Testing
import TestSupport

@Suite("Delivery worker: claims")
struct DeliveryWorkerClaimTests {
    func worker(_ store: any OutboxStore, _ transport: ScriptedTransport, lease: Duration = .seconds(120)) -> DeliveryWorker {
        DeliveryWorker(
            store: store, transport: transport, policy: RetryPolicy(), lease: lease, logger: Logger(label: "test"),
            compose: DeliveryWorkerTests.compose)
    }

    @Test("a worker that stops mid-batch gives the rest back at once: another takes it without waiting for the lease")
    func stopGivesBack() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            for n in 1...3 {
                _ = try await store.enqueue(InboundMessage.sample("stop-\(n)"), now: now)
            }
            // The first send asks the worker's task to stop, as SIGTERM would.
            let transport = ScriptedTransport { _ in withUnsafeCurrentTask { $0?.cancel() } }
            let worker = worker(store, transport)
            await Task { await worker.drainOnce(now: { now }) }.value
            #expect(transport.sent.map(\.messageID) == ["stop-1@example.com"], "the message in hand is finished")
            #expect(try await store.counts().sent == 1)
            let taken = try await store.claim([.inbound], now: now, limit: 10, lease: 120, owner: "another relay")
            #expect(taken.compactMap(\.message?.id) == ["stop-2", "stop-3"])
        }
    }

    @Test("past half its lease a worker starts nothing more of the batch and gives the rest back")
    func halfLease() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            for n in 1...3 {
                _ = try await store.enqueue(InboundMessage.sample("slow-\(n)"), now: now)
            }
            // One send takes more than half of the lease.
            let transport = ScriptedTransport { _ in Thread.sleep(forTimeInterval: 0.15) }
            let worker = worker(store, transport, lease: .milliseconds(200))
            let more = await worker.drainOnce(now: { now })
            #expect(more, "more is due: the worker comes back for it")
            #expect(transport.sent.count == 1)
            let taken = try await store.claim([.inbound], now: now, limit: 10, lease: 120, owner: "another relay")
            #expect(taken.compactMap(\.message?.id) == ["slow-2", "slow-3"])
        }
    }
}
