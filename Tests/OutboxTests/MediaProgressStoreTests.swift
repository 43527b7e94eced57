import Foundation
import Outbox
import SMSRelayCore
import Testing
import TestSupport

extension OutboxContract {
    @Suite("media download progress")
    struct MediaProgressStoreTests {
        static let hashA = String(repeating: "a", count: 64)
        static let hashB = String(repeating: "b", count: 64)

        @Test("recorded progress reads back, moves the next attempt and counts no delivery attempt", arguments: OutboxBackend.allCases)
        func recordsProgress(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let now = Date(timeIntervalSince1970: 1_800_000_000)
                let id = try await store.enqueue(.sample("m1"), now: now).id
                #expect(try await store.entry(id: id)?.media == nil, "nil until the worker first looks")
                let progress = [
                    MediaProgress(state: .fetched, attempts: 1, sha256: Self.hashA, servedType: "image/jpeg", size: 2038),
                    MediaProgress(state: .pending, attempts: 1, retryAt: now.addingTimeInterval(5), error: "HTTP 500"),
                ]
                try await store.recordMedia(id: id, progress: progress, nextAttemptAt: now.addingTimeInterval(5), now: now)
                let entry = try #require(try await store.entry(id: id))
                #expect(entry.media == progress)
                #expect(entry.media?.summary == "1/2 fetched")
                #expect(entry.status == .pending)
                #expect(entry.attempts == 0)
                #expect(entry.nextAttemptAt == now.addingTimeInterval(5))
                #expect(try await store.due(now: now, limit: 10).isEmpty, "not due before the media's next attempt")
                #expect(try await store.due(now: now.addingTimeInterval(5), limit: 10).first?.media == progress)
            }
        }

        @Test("a file stays in use while another unsent message names it, not once that one is sent", arguments: OutboxBackend.allCases)
        func filesInUse(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let now = Date()
                let first = try await store.enqueue(.sample("m1"), now: now).id
                let second = try await store.enqueue(.sample("m2"), now: now).id
                let fetched = { (hash: String) in MediaProgress(state: .fetched, attempts: 1, sha256: hash, size: 1) }
                try await store.recordMedia(id: first, progress: [fetched(Self.hashA), fetched(Self.hashB)], nextAttemptAt: now, now: now)
                try await store.recordMedia(id: second, progress: [fetched(Self.hashA)], nextAttemptAt: now, now: now)
                #expect(try await store.mediaInUse([Self.hashA, Self.hashB], excluding: first) == [Self.hashA])
                try await store.markSent(id: second, receipt: SentReceipt(), now: now)
                #expect(try await store.mediaInUse([Self.hashA, Self.hashB], excluding: first).isEmpty)
            }
        }

        @Test("outbox retry gives the media that could not be downloaded another try and keeps the downloaded ones", arguments: OutboxBackend.allCases)
        func retryResetsFailedMedia(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let now = Date(timeIntervalSince1970: 1_800_000_000)
                let id = try await store.enqueue(.sample("m1"), now: now).id
                let fetched = MediaProgress(state: .fetched, attempts: 2, sha256: Self.hashA, size: 10)
                let failed = MediaProgress(state: .failed, attempts: 4, error: "not downloaded after 4 attempts: HTTP 503")
                try await store.recordMedia(id: id, progress: [fetched, failed], nextAttemptAt: now, now: now)
                try await store.markFailed(id: id, error: "550 no such user", retryAt: nil, now: now)
                #expect(try await store.retry(id: id, now: now.addingTimeInterval(60)))
                let revived = try #require(try await store.entry(id: id))
                #expect(revived.status == .pending)
                #expect(revived.media == [fetched, MediaProgress()])
            }
        }

        @Test("progress is not recorded for a message that is no longer pending", arguments: OutboxBackend.allCases)
        func onlyPending(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let now = Date()
                let id = try await store.enqueue(.sample("m1"), now: now).id
                try await store.markSent(id: id, receipt: SentReceipt(), now: now)
                try await store.recordMedia(id: id, progress: [MediaProgress()], nextAttemptAt: now, now: now)
                let entry = try #require(try await store.entry(id: id))
                #expect(entry.media == nil)
                #expect(entry.nextAttemptAt == nil)
            }
        }
    }
}
