import Foundation
import MailKit
@testable import Outbox
import SMSRelayCore
import Testing
import TestSupport

extension OutboxContract {
    @Suite("messages and receipts")
    struct MessageTests {
        static func message(_ id: String = "mdr2-1", body: String = "hello") -> InboundMessage {
            .sample(id, body: body)
        }

        @Test("a stored message reads back with every field intact", arguments: OutboxBackend.allCases)
        func roundTrip(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let now = Date(timeIntervalSince1970: 1_800_000_000)
                let result = try await store.enqueue(Self.message(body: "héllo 👋 שלום"), now: now)
                guard case .stored(let id) = result else {
                    Issue.record("expected a new row, got \(result)")
                    return
                }
                let entry = try #require(try await store.entry(id: id))
                #expect(entry.message == Self.message(body: "héllo 👋 שלום"))
                #expect(entry.status == .pending)
                #expect(entry.attempts == 0)
                #expect(entry.nextAttemptAt == now)
            }
        }

        @Test("the same carrier message stored twice yields one row", arguments: OutboxBackend.allCases)
        func deduplicates(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let first = try await store.enqueue(Self.message(), now: Date())
                let second = try await store.enqueue(Self.message(body: "changed"), now: Date())
                #expect(second == .duplicate(id: first.id))
                #expect(try await store.counts().pending == 1)
                let other = try await store.enqueue(
                    InboundMessage(carrier: "othercarrier", id: "mdr2-1", from: "1", to: "2", body: "x", receivedAt: Date()),
                    now: Date())
                #expect(other == .stored(id: other.id))
                #expect(other.id != first.id)
            }
        }

        @Test("only messages due now are handed out, oldest first", arguments: OutboxBackend.allCases)
        func dueOrdering(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let t0 = Date(timeIntervalSince1970: 1_000)
                let a = try await store.enqueue(Self.message("a"), now: t0)
                let b = try await store.enqueue(Self.message("b"), now: t0.addingTimeInterval(1))
                try await store.markFailed(id: a.id, error: "421 try later", retryAt: t0.addingTimeInterval(100), now: t0)
                #expect(try await store.due(now: t0.addingTimeInterval(2), limit: 10).map(\.id) == [b.id])
                #expect(try await store.due(now: t0.addingTimeInterval(200), limit: 10).map(\.id) == [b.id, a.id])
                #expect(try await store.nextDueDate() == t0.addingTimeInterval(1))
                let failed = try #require(try await store.entry(id: a.id))
                #expect(failed.attempts == 1)
                #expect(failed.lastError == "421 try later")
            }
        }

        @Test("sent and dead messages leave the queue; retry revives the dead only", arguments: OutboxBackend.allCases)
        func lifecycle(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let now = Date(timeIntervalSince1970: 5_000)
                let sent = try await store.enqueue(Self.message("s"), now: now)
                let dead = try await store.enqueue(Self.message("d"), now: now)
                try await store.markSent(
                    id: sent.id, receipt: SentReceipt(transportMessageID: "file-1", rejectedRecipients: ["x@y": "550 no"]), now: now)
                try await store.markFailed(id: dead.id, error: "550 rejected", retryAt: nil, now: now)
                #expect(try await store.due(now: now.addingTimeInterval(1), limit: 10).isEmpty)
                #expect(try await store.counts() == OutboxCounts(pending: 0, sent: 1, dead: 1, receipts: 0))
                let sentEntry = try #require(try await store.entry(id: sent.id))
                #expect(sentEntry.transportMessageID == "file-1")
                #expect(sentEntry.failedRecipients == ["x@y": "550 no"])
                #expect(try await store.list(status: .dead, limit: 10).map(\.id) == [dead.id])

                #expect(try await store.retry(id: sent.id, now: now) == false)
                #expect(try await store.retry(id: dead.id, now: now.addingTimeInterval(10)))
                let revived = try #require(try await store.entry(id: dead.id))
                #expect(revived.status == .pending)
                #expect(revived.attempts == 0)
                #expect(try await store.due(now: now.addingTimeInterval(10), limit: 10).map(\.id) == [dead.id])
                #expect(try await store.retryAllDead(now: now) == 0)
            }
        }

        @Test("a delivery receipt is recorded once", arguments: OutboxBackend.allCases)
        func receipts(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let receipt = DeliveryReceipt(
                    carrier: "flowroute", messageID: "mdr2-x", status: "delivered", statusCode: "1000",
                    statusDescription: "ok", timestamp: Date(timeIntervalSince1970: 10))
                let first = try await store.record(receipt, now: Date())
                let again = try await store.record(receipt, now: Date())
                let counts = try await store.counts()
                #expect(first)
                #expect(again == false)
                #expect(counts.receipts == 1)
            }
        }
    }
}

@Suite("SQLite outbox store")
struct SQLiteOutboxStoreTests {
    static func message(_ id: String = "mdr2-1", body: String = "hello") -> InboundMessage {
        .sample(id, body: body)
    }

    @Test("a reopened database keeps what was committed")
    func reopen() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("o.sqlite").path
            do {
                let store = try SQLiteOutboxStore(path: path)
                _ = try await store.enqueue(Self.message("kept"), now: Date())
            }
            let reopened = try SQLiteOutboxStore(path: path)
            #expect(try await reopened.list(status: .pending, limit: 10).map(\.message?.id) == ["kept"])
        }
    }

    @Test("an unusable database path is a clear error")
    func badPath() async throws {
        #expect {
            try SQLiteOutboxStore(path: "/proc/smsrelay-cannot-be-here/outbox.sqlite")
        } throws: { error in
            "\(error)".contains("cannot open the outbox database at /proc/smsrelay-cannot-be-here/outbox.sqlite")
        }
    }
}

@Suite("SQLite outbox: write-ahead log")
struct SQLiteWALTests {
    @Test("the write-ahead log stays within its limit however much is written, by one writer or many at once")
    func walBounded() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("o.sqlite").path
            let store = try SQLiteOutboxStore(path: path)
            let body = String(repeating: "a long text message body ", count: 1280)
            // 750 messages of 32 KB, from 32 writers at once (so that batches share commits).
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<32 {
                    group.addTask {
                        for n in stride(from: writer, to: 750, by: 32) {
                            _ = try await store.enqueue(SQLiteOutboxStoreTests.message("wal-\(n)", body: body), now: Date())
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.counts().pending == 750)
            let database = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
            // The limit after a checkpoint, one checkpoint interval of pages, and a batch's worth.
            let bound = SQLiteOutboxStore.journalSizeLimit + SQLiteOutboxStore.autoCheckpointPages * 4096 + (1 << 20)
            #expect(database > bound, "more was written than the bound allows the log to hold")
            #expect(wal <= bound, "wal is \(wal) bytes")
        }
    }
}
