import Foundation
import Outbox
import SMSRelayCore
import Testing
import TestSupport

extension OutboxContract {
    @Suite("texts counted per conversation")
    struct ConversationCountTests {
        static let now = Date(timeIntervalSince1970: 1_800_000_000)

        static func text(_ id: String, from: String = "18553569768", to: String = "12066418000") -> InboundMessage {
            InboundMessage(carrier: "flowroute", id: id, from: from, to: to, body: "hi", receivedAt: now)
        }

        @Test("each text of a conversation is numbered in the order stored; a retried callback is not counted again",
              arguments: OutboxBackend.allCases)
        func positions(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                let first = try await store.enqueue(Self.text("m1"), now: Self.now).id
                let second = try await store.enqueue(Self.text("m2"), now: Self.now).id
                #expect(try await store.enqueue(Self.text("m1"), now: Self.now) == .duplicate(id: first))
                // The same conversation, its numbers written otherwise.
                let third = try await store.enqueue(Self.text("m3", from: "+1 855 356 9768", to: "+1 (206) 641-8000"), now: Self.now).id
                // Other conversations count from 1.
                let otherTexter = try await store.enqueue(Self.text("m4", from: "18553569769"), now: Self.now).id
                let otherNumber = try await store.enqueue(Self.text("m5", to: "12066418001"), now: Self.now).id
                // Replies and notices are not texts of the conversation.
                let reply = try await store.enqueue(.reply(OutboxKindsTests.reply()), now: Self.now).id
                let fourth = try await store.enqueue(Self.text("m6"), now: Self.now).id

                var positions: [Int64: Int?] = [:]
                for id in [first, second, third, otherTexter, otherNumber, reply, fourth] {
                    positions[id] = try await store.entry(id: id)?.conversationPosition
                }
                #expect(positions == [first: 1, second: 2, third: 3, otherTexter: 1, otherNumber: 1, reply: nil, fourth: 4])
                // Listing and claiming read it too.
                #expect(try await store.list([.inbound], status: nil, limit: 1).first?.conversationPosition == 4)
                let claimed = try await store.claim([.inbound], now: Self.now, limit: 10, lease: 60, owner: "w")
                #expect(claimed.first { $0.id == third }?.conversationPosition == 3)
            }
        }

        @Test("the 101st text of a conversation is numbered 101, wherever the callbacks race", arguments: OutboxBackend.allCases)
        func concurrentTexts(_ backend: OutboxBackend) async throws {
            try await backend.withStore { store in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 1...101 {
                        group.addTask {
                            _ = try await store.enqueue(Self.text("m\(index)"), now: Self.now)
                            // A carrier retrying every other callback at once.
                            if index % 2 == 0 { _ = try await store.enqueue(Self.text("m\(index)"), now: Self.now) }
                        }
                    }
                    try await group.waitForAll()
                }
                let entries = try await store.list([.inbound], status: nil, limit: 200)
                #expect(entries.count == 101)
                #expect(entries.compactMap(\.conversationPosition).sorted() == Array(1...101))
            }
        }
    }
}
