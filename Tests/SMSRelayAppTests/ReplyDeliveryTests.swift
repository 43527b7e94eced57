import CarrierAPI
import FlowrouteAPI
import Foundation
import Logging
import MailKit
import MailRender
import Outbox
@testable import SMSRelayApp
@testable import SMSRelayLambdaApp
import SMSRelayCore
import SMSRelayIntake
import Synchronization
import Testing
import TestSupport

@Suite("Delivery worker: replies sent through Flowroute (a fake API), notices emailed", .serialized)
struct ReplyDeliveryTests {
    static let reply = OutboundReply(
        from: "12066418000", to: "18553569768", body: "on my way", replier: "ann@example.com",
        replyMessageID: "r1@mail.example.com", subject: "Re: Text", receivedAt: Date(timeIntervalSince1970: 1_000_000))

    struct Setup {
        let store: SQLiteOutboxStore
        let transport: ScriptedTransport
        let worker: DeliveryWorker
        let clock: TestClock
        let flowroute: FakeFlowrouteAPI
    }

    func withWorker(confirm: Bool = false, secretKey: String? = nil, _ body: (Setup) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            try await FakeFlowrouteAPI.with { flowroute in
                let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
                let transport = ScriptedTransport()
                let client = FlowrouteClient(
                    baseURL: flowroute.baseURL,
                    credentials: FlowrouteCredentials(accessKey: flowroute.accessKey, secretKey: secretKey ?? flowroute.secretKey),
                    logger: Logger(label: "test"))
                let notices = try NoticeRenderer()
                let worker = DeliveryWorker(
                    store: store, transport: transport,
                    policy: RetryPolicy(maxAttempts: 3, baseDelay: .seconds(10), maxDelay: .seconds(100), jitter: 0),
                    logger: Logger(label: "test"), media: nil,
                    replies: ReplyDispatch(
                        senders: ["flowroute": FlowrouteTextSender(client: client)],
                        deliveryReceiptURL: { "https://relay.example.com/\($0)/token-0123456789abcdef" },
                        confirm: confirm,
                        composeNotice: { try notices.render($0, sender: "sms@relay.example.com", replyTo: nil) }),
                    compose: DeliveryWorkerTests.compose)
                try await body(Setup(store: store, transport: transport, worker: worker, clock: TestClock(), flowroute: flowroute))
            }
        }
    }

    @Test("a reply is sent once with its numbers, text and DLR callback, and recorded with Flowroute's id")
    func sent() async throws {
        try await withWorker { setup in
            let id = try await setup.store.enqueue(.reply(Self.reply), now: setup.clock.read()).id
            await setup.worker.drainOnce(now: setup.clock.read)
            await setup.worker.drainOnce(now: setup.clock.read)
            let requests = try await setup.flowroute.requests()
            #expect(requests.count == 1)
            #expect(requests.first?.attributes == [
                "from": "12066418000", "to": "18553569768", "body": "on my way",
                "dlr_callback": "https://relay.example.com/flowroute/token-0123456789abcdef",
            ])
            let entry = try #require(try await setup.store.entry(id: id))
            #expect(entry.status == .sent)
            #expect(entry.transportMessageID?.hasPrefix("mdr2-") == true)
            #expect(setup.transport.sent.isEmpty, "no confirmation unless asked for")
        }
    }

    @Test("with confirmations on, a sent reply is confirmed by one email to the replier")
    func confirmed() async throws {
        try await withWorker(confirm: true) { setup in
            _ = try await setup.store.enqueue(.reply(Self.reply), now: setup.clock.read())
            await setup.worker.drainOnce(now: setup.clock.read)
            await setup.worker.drainOnce(now: setup.clock.read)
            await setup.worker.drainOnce(now: setup.clock.read)
            #expect(setup.transport.sent.count == 1)
            let email = try #require(setup.transport.sent.first)
            #expect(email.to.map(\.address) == ["ann@example.com"])
            #expect(email.subject == "Sent as a text to +1 855-356-9768")
            #expect(email.inReplyTo == "r1@mail.example.com")
        }
    }

    @Test("a transient answer (500) is retried after the backoff; a permanent one (422) makes the reply dead with one notice")
    func failures() async throws {
        try await withWorker { setup in
            try await setup.flowroute.script([500, 422])
            let id = try await setup.store.enqueue(.reply(Self.reply), now: setup.clock.read()).id
            await setup.worker.drainOnce(now: setup.clock.read)
            var entry = try #require(try await setup.store.entry(id: id))
            #expect(entry.status == .pending)
            #expect(entry.nextAttemptAt == setup.clock.read().addingTimeInterval(10))
            setup.clock.advance(10)
            await setup.worker.drainOnce(now: setup.clock.read)
            entry = try #require(try await setup.store.entry(id: id))
            #expect(entry.status == .dead)
            #expect(entry.attempts == 2)
            await setup.worker.drainOnce(now: setup.clock.read)
            await setup.worker.drainOnce(now: setup.clock.read)
            #expect(try await setup.flowroute.requests().count == 2)
            let notice = try #require(setup.transport.sent.first)
            #expect(setup.transport.sent.count == 1)
            #expect(notice.subject == "Not sent: your text to +1 855-356-9768")
            #expect(notice.textBody.contains("(2 attempts)"), "\(notice.textBody)")
            #expect(notice.textBody.contains("422"), "\(notice.textBody)")

            // Revived and dead again: a second notice, for the second death.
            #expect(try await setup.store.retry(id: id, now: setup.clock.read()))
            try await setup.flowroute.script([403])
            setup.clock.advance(1)
            await setup.worker.drainOnce(now: setup.clock.read)
            await setup.worker.drainOnce(now: setup.clock.read)
            #expect(setup.transport.sent.count == 2)
        }
    }

    @Test("a worker without replies leaves reply rows alone")
    func withoutReplies() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            let transport = ScriptedTransport()
            let worker = DeliveryWorker(
                store: store, transport: transport, policy: RetryPolicy(), logger: Logger(label: "test"), compose: DeliveryWorkerTests.compose)
            let id = try await store.enqueue(.reply(Self.reply), now: Date()).id
            _ = try await store.enqueue(.sample("mdr2-1"), now: Date())
            await worker.drainOnce()
            #expect(transport.sent.count == 1)
            #expect(try await store.entry(id: id)?.status == .pending)
            #expect(try await store.entry(id: id)?.attempts == 0)
        }
    }

    @Test("a failed delivery receipt for a sent reply stores one notice; other receipts store none")
    func receipts() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            let id = try await store.enqueue(.reply(Self.reply), now: Date()).id
            try await store.markSent(id: id, receipt: SentReceipt(transportMessageID: "mdr2-sent"), now: Date())
            let woken = WakeCount()
            let sink = OutboxSink(store: store, onStored: { woken.add() })
            let context = SinkContext(receivedAt: Date(), logger: Logger(label: "test"))
            func receipt(_ messageID: String, _ status: String, at second: Double) -> DeliveryReceipt {
                DeliveryReceipt(
                    carrier: "flowroute", messageID: messageID, status: status, statusCode: "1010",
                    statusDescription: "unreachable", timestamp: Date(timeIntervalSince1970: second))
            }
            _ = try await sink.take(receipt("mdr2-sent", "delivered", at: 1), context: context)
            _ = try await sink.take(receipt("mdr2-unknown", "message failed", at: 2), context: context)
            #expect(try await store.list([.notice], status: nil, limit: 10).isEmpty)
            _ = try await sink.take(receipt("mdr2-sent", "message failed", at: 3), context: context)
            _ = try await sink.take(receipt("mdr2-sent", "message failed", at: 3), context: context)
            _ = try await sink.take(receipt("mdr2-sent", "smsc reject", at: 4), context: context)
            let notices = try await store.list([.notice], status: nil, limit: 10).compactMap(\.notice)
            #expect(notices.count == 1)
            #expect(notices.first?.kind == .undelivered)
            #expect(notices.first?.reason == "The carrier reported: message failed, 1010, unreachable.")
            #expect(woken.count == 1)
        }
    }
}

/// Counts calls, from any thread.
final class WakeCount: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
