import Foundation
import Logging
import Outbox
import SMSRelayApp
import SMSRelayCore
import ServiceLifecycleTestKit
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
            // The first send is when SIGTERM comes: the service group asks for a graceful stop.
            await testGracefulShutdown { trigger in
                let transport = ScriptedTransport { _ in trigger.triggerGracefulShutdown() }
                let worker = worker(store, transport)
                let more = await worker.drainOnce(now: { now })
                #expect(!more)
                #expect(transport.sent.map(\.messageID) == ["stop-1@example.com"], "the message in hand is finished")
            }
            #expect(try await store.counts().sent == 1)
            let taken = try await store.claim([.inbound], now: now, limit: 10, lease: 120, owner: "another relay")
            #expect(taken.compactMap(\.message?.id) == ["stop-2", "stop-3"])
        }
    }

    @Test("past half its lease a worker starts nothing more of the batch and gives the rest back")
    func halfLease() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            let clock = TestClock()
            for n in 1...3 {
                _ = try await store.enqueue(InboundMessage.sample("slow-\(n)"), now: clock.read())
            }
            // One send takes more than half of the lease (70 of 120 seconds).
            let transport = ScriptedTransport { _ in clock.advance(70) }
            let worker = worker(store, transport)
            let more = await worker.drainOnce(now: clock.read)
            #expect(more, "more is due: the worker comes back for it")
            #expect(transport.sent.count == 1)
            let taken = try await store.claim([.inbound], now: clock.read(), limit: 10, lease: 120, owner: "another relay")
            #expect(taken.compactMap(\.message?.id) == ["slow-2", "slow-3"])
        }
    }

    @Test("a send slower than the lease keeps its claim: the worker renews it while the mail server takes its time")
    func slowSendKeepsClaim() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            let clock = TestClock()
            let id = try await store.enqueue(InboundMessage.sample("slow"), now: clock.read()).id
            // The mail server answers only when the test says so.
            let answer = DispatchSemaphore(value: 0)
            let transport = ScriptedTransport { _ in answer.wait() }
            let lease = Duration.milliseconds(300)
            let worker = worker(store, transport, lease: lease)
            let sending = Task { await worker.drainOnce(now: clock.read) }
            try await eventually("the send under way") { !transport.sent.isEmpty }
            // Far past the first lease: only a renewal made after this keeps the message.
            clock.advance(3600)
            try await eventually("the claim renewed") {
                // The claim now ends after the advanced clock: renewed since.
                try await store.nextDueDate().map { $0 > clock.read() } == true
            }
            let taken = try await store.claim([.inbound], now: clock.read(), limit: 10, lease: 60, owner: "another relay")
            #expect(taken.isEmpty, "message \(id) was handed to another worker while it was being sent")
            answer.signal()
            await sending.value
            #expect(try await store.entry(id: id)?.status == .sent)
        }
    }
}
