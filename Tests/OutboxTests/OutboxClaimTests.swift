import Foundation
import Outbox
import SMSRelayCore
import Testing
import TestSupport

extension OutboxContract {
    @Suite("claims with a lease")
    struct OutboxClaimTests {
        static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

        @Test("a claimed row is handed to nobody else until its lease ends", arguments: OutboxBackend.allCases)
        func exclusive(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let a = try await store.enqueue(.sample("a"), now: Self.t0).id
                let b = try await store.enqueue(.sample("b"), now: Self.t0.addingTimeInterval(1)).id
                let now = Self.t0.addingTimeInterval(10)
                let first = try await store.claim([.inbound], now: now, limit: 1, lease: 60, owner: "one")
                #expect(first.map(\.id) == [a], "oldest first")
                let second = try await store.claim([.inbound], now: now, limit: 10, lease: 60, owner: "two")
                #expect(second.map(\.id) == [b], "the claimed row is skipped")
                #expect(try await store.claim([.inbound], now: now, limit: 10, lease: 60, owner: "three").isEmpty)
                #expect(try await store.due(now: now, limit: 10).isEmpty, "claimed rows are not due")
                // Still pending: a claim is not an outcome.
                #expect(try await store.entry(id: a)?.status == .pending)
                #expect(try await store.entry(id: a)?.attempts == 0)

                // The lease of "one" ends: its row goes to whoever claims next.
                let later = now.addingTimeInterval(60)
                let retaken = try await store.claim([.inbound], now: later, limit: 10, lease: 60, owner: "three")
                #expect(retaken.map(\.id) == [a, b])
            }
        }

        @Test("an outcome or a release ends the claim", arguments: OutboxBackend.allCases)
        func outcomeEndsClaim(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let a = try await store.enqueue(.sample("a"), now: Self.t0).id
                let b = try await store.enqueue(.sample("b"), now: Self.t0).id
                let c = try await store.enqueue(.sample("c"), now: Self.t0).id
                let now = Self.t0.addingTimeInterval(1)
                #expect(try await store.claim([.inbound], now: now, limit: 10, lease: 300, owner: "one").count == 3)
                try await store.markFailed(id: a, error: "421 later", retryAt: now.addingTimeInterval(5), now: now)
                try await store.release(ids: [b], owner: "somebody else")
                try await store.release(ids: [c], owner: "one")
                // c was given back; b is still held by "one", whatever another owner asks.
                #expect(try await store.claim([.inbound], now: now, limit: 10, lease: 300, owner: "two").map(\.id) == [c])
                // a is due again at its retry time, claimed by nobody; b stays with "one".
                let retry = now.addingTimeInterval(5)
                #expect(try await store.claim([.inbound], now: retry, limit: 10, lease: 300, owner: "three").map(\.id) == [a])
                #expect(try await store.entry(id: a)?.attempts == 1)
                #expect(try await store.entry(id: b)?.status == .pending)
            }
        }

        @Test("a worker's own claims are handed to it again, another's are not", arguments: OutboxBackend.allCases)
        func ownClaims(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let a = try await store.enqueue(.sample("a"), now: Self.t0).id
                let now = Self.t0.addingTimeInterval(1)
                #expect(try await store.claim([.inbound], now: now, limit: 10, lease: 300, owner: "one").map(\.id) == [a])
                // "one" could not give it back (the store was unwritable then); it claims again.
                #expect(try await store.claim([.inbound], now: now, limit: 10, lease: 300, owner: "two").isEmpty)
                #expect(try await store.claim([.inbound], now: now, limit: 10, lease: 300, owner: "one").map(\.id) == [a])
            }
        }

        @Test("a claim renewed by its owner outlasts its first lease; another owner cannot renew it", arguments: OutboxBackend.allCases)
        func renew(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let a = try await store.enqueue(.sample("a"), now: Self.t0).id
                #expect(try await store.claim([.inbound], now: Self.t0, limit: 10, lease: 60, owner: "one").map(\.id) == [a])
                try await store.renew(ids: [a], owner: "two", now: Self.t0.addingTimeInterval(50), lease: 600)
                try await store.renew(ids: [a], owner: "one", now: Self.t0.addingTimeInterval(50), lease: 60)
                // Past the first lease, within the renewed one.
                let later = Self.t0.addingTimeInterval(100)
                #expect(try await store.claim([.inbound], now: later, limit: 10, lease: 60, owner: "two").isEmpty)
                #expect(try await store.nextDueDate() == Self.t0.addingTimeInterval(110))
                #expect(try await store.claim([.inbound], now: Self.t0.addingTimeInterval(110), limit: 10, lease: 60, owner: "two").map(\.id) == [a])
            }
        }

        @Test("the next due date waits for a claim's end", arguments: OutboxBackend.allCases)
        func nextDueDate(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                _ = try await store.enqueue(.sample("a"), now: Self.t0)
                #expect(try await store.nextDueDate() == Self.t0)
                _ = try await store.claim([.inbound], now: Self.t0, limit: 10, lease: 120, owner: "one")
                #expect(try await store.nextDueDate() == Self.t0.addingTimeInterval(120))
            }
        }

        @Test("workers claiming at once never share a row", arguments: OutboxBackend.allCases)
        func concurrentClaims(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let total = 60
                for n in 0..<total {
                    _ = try await store.enqueue(.sample("m\(n)"), now: Self.t0)
                }
                let now = Self.t0.addingTimeInterval(1)
                let taken = try await withThrowingTaskGroup(of: [Int64].self) { group in
                    for worker in 0..<6 {
                        group.addTask {
                            var mine: [Int64] = []
                            while true {
                                let batch = try await store.claim([.inbound], now: now, limit: 4, lease: 600, owner: "w\(worker)")
                                if batch.isEmpty { return mine }
                                for entry in batch {
                                    try await store.markSent(id: entry.id, receipt: SentReceipt(), now: now)
                                }
                                mine += batch.map(\.id)
                            }
                        }
                    }
                    var all: [[Int64]] = []
                    for try await ids in group { all.append(ids) }
                    return all
                }
                let flat = taken.flatMap { $0 }
                #expect(flat.count == total, "every row claimed once")
                #expect(Set(flat).count == total, "no row claimed twice")
            }
        }
    }
}
