import Foundation
import Logging
import MailKit
import MailRender
import Outbox
import SESTransport
@testable import SMSRelayApp
import SMSRelayCore
import Testing
import TestSupport

/// The worker sending through SES (moto), behind a proxy that throttles as SES does.
@Suite("Delivery worker: SES throttling", .motoServer)
struct DeliveryWorkerSESThrottleTests {
    static func worker(_ store: any OutboxStore, endpoint: String, credentials moto: MotoServer) throws -> DeliveryWorker {
        let configuration = try SESConfiguration(
            credentials: moto.userCredentials, region: MotoServer.region, endpoint: URL(string: endpoint), requestTimeout: .seconds(10))
        let transport = SESTransport(configuration: configuration, logger: Logger(label: "test"))
        // One attempt only: a throttle that counted as one would make the message dead.
        return DeliveryWorker(
            store: store, transport: transport, policy: RetryPolicy(maxAttempts: 1), logger: Logger(label: "test"),
            compose: { message, media, thread in
                try EmailRenderer().render(
                    message, route: Route(recipients: ["me@example.com"], sender: MotoServer.verifiedSender), media: media, thread: thread)
            })
    }

    @Test("a message SES throttles is sent again, more slowly, and ends sent with one attempt, not dead")
    func throttledThenSent() async throws {
        let moto = try #require(MotoServer.current)
        try await SESThrottleProxy.with(upstream: moto.endpoint, throttle: 2) { proxy in
            try await withTemporaryDirectory { dir in
                let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
                let id = try await store.enqueue(InboundMessage.sample("throttled"), now: Date()).id
                let worker = try Self.worker(store, endpoint: proxy.endpoint, credentials: moto)
                await worker.drainOnce()
                let entry = try #require(try await store.entry(id: id))
                #expect(entry.status == .sent)
                #expect(entry.attempts == 1)
                let stored = try await moto.storedMessage(try #require(entry.transportMessageID))
                #expect(stored.source == MotoServer.verifiedSender)
                #expect(try await proxy.state().throttled == 2)
            }
        }
    }

    @Test("a message SES keeps throttling waits without an attempt counted, and is sent once SES takes it")
    func throttledLongerWaits() async throws {
        let moto = try #require(MotoServer.current)
        try await SESThrottleProxy.with(upstream: moto.endpoint, throttle: 5) { proxy in
            try await withTemporaryDirectory { dir in
                let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
                let clock = TestClock()
                let id = try await store.enqueue(InboundMessage.sample("throttled-long"), now: clock.read()).id
                let worker = try Self.worker(store, endpoint: proxy.endpoint, credentials: moto)
                await worker.drainOnce(now: clock.read)
                var entry = try #require(try await store.entry(id: id))
                #expect(entry.status == .pending)
                #expect(entry.attempts == 0, "throttling is not the message's fault")
                #expect(entry.lastError?.contains("TooManyRequestsException") == true)

                clock.advance(3600)
                await worker.drainOnce(now: clock.read)
                entry = try #require(try await store.entry(id: id))
                #expect(entry.status == .sent)
                #expect(try await proxy.state().throttled == 5)
            }
        }
    }
}
