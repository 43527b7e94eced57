import Foundation
import GRDB
@testable import Outbox
import SMSRelayCore
import Testing
import TestSupport

extension OutboxContract {
    @Suite("replies and notices beside inbound messages")
    struct OutboxKindsTests {
        static let now = Date(timeIntervalSince1970: 1_800_000_000)

        static func reply(_ messageID: String = "r1@mail.example.com", body: String = "on my way") -> OutboundReply {
            OutboundReply(
                from: "12066418000", to: "18553569768", body: body, replier: "ann@example.com", replyMessageID: messageID,
                subject: "Re: Text message", receivedAt: now)
        }

        static func notice(_ key: String) -> ReplyNotice {
            ReplyNotice(.notSent, about: reply(), reason: "refused", key: key)
        }

        @Test("each kind reads back as stored, and is stored once per its own key", arguments: OutboxBackend.allCases)
        func roundTripAndKeys(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let message = try await store.enqueue(.inbound(.sample("mdr2-1")), now: Self.now)
                let reply = try await store.enqueue(.reply(Self.reply()), now: Self.now)
                let notice = try await store.enqueue(.notice(Self.notice("not-sent:2:1")), now: Self.now)
                #expect(Set([message.id, reply.id, notice.id]).count == 3)
                #expect(try await store.entry(id: reply.id)?.item == .reply(Self.reply()))
                #expect(try await store.entry(id: notice.id)?.item == .notice(Self.notice("not-sent:2:1")))
                #expect(try await store.entry(id: message.id)?.message == .sample("mdr2-1"))

                // The same reply email (same Message-ID) with another text is the same reply.
                #expect(try await store.enqueue(.reply(Self.reply(body: "changed")), now: Self.now) == .duplicate(id: reply.id))
                #expect(try await store.enqueue(.notice(Self.notice("not-sent:2:1")), now: Self.now) == .duplicate(id: notice.id))
                // A reply whose Message-ID equals an inbound message's id is still its own row.
                let sameID = try await store.enqueue(.reply(Self.reply("mdr2-1")), now: Self.now)
                #expect(sameID == .stored(id: sameID.id) && ![message.id, reply.id, notice.id].contains(sameID.id))
                #expect(try await store.counts().pending == 4)
            }
        }

        @Test("the worker's queries see only the kinds asked for", arguments: OutboxBackend.allCases)
        func kindsApart(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let inbound = try await store.enqueue(.sample("mdr2-1"), now: Self.now).id
                let reply = try await store.enqueue(.reply(Self.reply()), now: Self.now.addingTimeInterval(5)).id
                let later = Self.now.addingTimeInterval(60)
                #expect(try await store.due(now: later, limit: 10).map(\.id) == [inbound])
                #expect(try await store.due([.reply, .notice], now: later, limit: 10).map(\.id) == [reply])
                #expect(try await store.nextDueDate() == Self.now)
                #expect(try await store.nextDueDate([.reply]) == Self.now.addingTimeInterval(5))
                #expect(try await store.nextDueDate([.notice]) == nil)
                #expect(try await store.list(status: .pending, limit: 10).map(\.id) == [reply, inbound])
                #expect(try await store.list([.reply], status: nil, limit: 10).map(\.id) == [reply])
                #expect(try await store.list([], status: nil, limit: 10).isEmpty)
            }
        }

        @Test("a sent reply is found by Flowroute's id, and its receipts by the same id", arguments: OutboxBackend.allCases)
        func replyByTransportID(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let id = try await store.enqueue(.reply(Self.reply()), now: Self.now).id
                let inbound = try await store.enqueue(.sample("mdr2-in"), now: Self.now).id
                try await store.markSent(id: id, receipt: SentReceipt(transportMessageID: "mdr2-abc"), now: Self.now)
                // An inbound message whose email happened to get the same transport id is not a reply.
                try await store.markSent(id: inbound, receipt: SentReceipt(transportMessageID: "mdr2-other"), now: Self.now)
                #expect(try await store.reply(transportMessageID: "mdr2-abc")?.id == id)
                #expect(try await store.reply(transportMessageID: "mdr2-other") == nil)
                #expect(try await store.reply(transportMessageID: "mdr2-none") == nil)

                for (status, second) in [("smsc submit", 1.0), ("delivered", 2.0)] {
                    let receipt = DeliveryReceipt(
                        carrier: "flowroute", messageID: "mdr2-abc", status: status, timestamp: Self.now.addingTimeInterval(second))
                    #expect(try await store.record(receipt, now: Self.now))
                }
                #expect(try await store.receipts(messageID: "mdr2-abc").map(\.status) == ["smsc submit", "delivered"])
                #expect(try await store.receipts(messageID: "mdr2-other").isEmpty)
            }
        }
    }
}

@Suite("SQLite outbox: migrations")
struct SQLiteMigrationTests {
    typealias Kinds = OutboxContract.OutboxKindsTests

    @Test("an outbox written before replies existed opens with its rows as inbound messages")
    func migratesOldOutbox() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("old.sqlite").path
            let queue = try DatabaseQueue(path: path)
            try SQLiteOutboxStore.migrator.migrate(queue, upTo: "v3: media download progress")
            let payload = try JSONEncoder.outboxTest.encode(InboundMessage.sample("mdr1-old"))
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO message (carrier, carrierMessageID, payload, status, attempts, nextAttemptAt, createdAt, updatedAt, pendingSince)
                        VALUES ('flowroute', 'mdr1-old', ?, 'pending', 0, 1, 1, 1, 1)
                        """,
                    arguments: [payload])
            }
            try queue.close()
            let store = try SQLiteOutboxStore(path: path)
            let entries = try await store.due(now: Kinds.now, limit: 10)
            #expect(entries.map(\.message?.id) == ["mdr1-old"])
            #expect(entries.first?.item.kind == .inbound)
            #expect(try await store.enqueue(.reply(Kinds.reply()), now: Kinds.now) == .stored(id: 2))
        }
    }
}

extension JSONEncoder {
    /// As the store encodes its payloads.
    static var outboxTest: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}
