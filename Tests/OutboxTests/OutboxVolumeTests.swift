import Foundation
import Outbox
import SMSRelayCore
import Testing
import TestSupport

extension OutboxContract {
    @Suite("volume and waiting time, for the admin page and /metrics")
    struct OutboxVolumeTests {
        static let start = Date(timeIntervalSince1970: 1_800_000_000)

        @Test("messages are counted per kind and per hour since the start; older ones are left out", arguments: OutboxBackend.allCases)
        func hourly(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                _ = try await store.enqueue(.inbound(.sample("v-before")), now: Self.start.addingTimeInterval(-1))
                _ = try await store.enqueue(.inbound(.sample("v-1")), now: Self.start)
                _ = try await store.enqueue(.inbound(.sample("v-2")), now: Self.start.addingTimeInterval(3599))
                _ = try await store.enqueue(.inbound(.sample("v-3")), now: Self.start.addingTimeInterval(3600))
                let reply = OutboundReply(
                    from: "12066418000", to: "18553569768", body: "ok", replier: "ann@example.com", replyMessageID: "r@x",
                    subject: "Re", receivedAt: Self.start)
                _ = try await store.enqueue(.reply(reply), now: Self.start.addingTimeInterval(23 * 3600 + 5))
                let volume = try await store.hourlyVolume(since: Self.start)
                #expect(Set(volume) == [
                    HourlyVolume(kind: .inbound, hour: 0, count: 2),
                    HourlyVolume(kind: .inbound, hour: 1, count: 1),
                    HourlyVolume(kind: .reply, hour: 23, count: 1),
                ])
                #expect(try await store.hourlyVolume(since: Self.start.addingTimeInterval(86_400)).isEmpty)
            }
        }

        @Test("the oldest pending message's time is counted, and forgotten once nothing is pending", arguments: OutboxBackend.allCases)
        func oldestPending(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                #expect(try await store.counts().oldestPendingSince == nil)
                let first = try await store.enqueue(.inbound(.sample("o-1")), now: Self.start)
                let second = try await store.enqueue(.inbound(.sample("o-2")), now: Self.start.addingTimeInterval(60))
                #expect(try await store.counts().oldestPendingSince == Self.start)
                try await store.markSent(id: first.id, receipt: SentReceipt(), now: Self.start.addingTimeInterval(90))
                #expect(try await store.counts().oldestPendingSince == Self.start.addingTimeInterval(60))
                try await store.markFailed(id: second.id, error: "refused", retryAt: nil, now: Self.start.addingTimeInterval(95))
                let counts = try await store.counts()
                #expect(counts.oldestPendingSince == nil && counts.dead == 1 && counts.sent == 1)
            }
        }
    }
}
