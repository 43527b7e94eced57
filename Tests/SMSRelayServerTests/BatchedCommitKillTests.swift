import AsyncHTTPClient
import Foundation
import NIOCore
import Outbox
import Synchronization
import TestSupport
import Testing

/// Group commit at the intake keeps the promise of each 200: a kill -9 while concurrent callbacks
/// share commits loses none that was answered, and leaves no part of a batch behind.
@Suite("kill -9 during batched commits", .serialized)
struct BatchedCommitKillTests {
    static let senders = 32
    static let perSender = 400

    static func callback(_ n: Int) -> String {
        #"{"to": "12066418000", "body": "batched \#(n)", "from": "18553569768", "id": "mdr1-batch-\#(n)"}"#
    }

    /// What the senders saw, shared among them.
    final class Tally: Sendable {
        let answered = Mutex(Set<Int>())
        let inFlight = Atomic(0)
    }

    static func number(of messageID: String) -> Int? {
        guard messageID.hasPrefix("mdr1-batch-") else { return nil }
        return Int(messageID.dropFirst("mdr1-batch-".count))
    }

    @Test("every callback answered 200 is on disk after kill -9 mid-load; every stored row is whole and delivered once")
    func killDuringBatchedCommits() async throws {
        try await withTemporaryDirectory { dir in
            let maildir = dir.appendingPathComponent("mail")
            let env = [
                "SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_LOG_LEVEL": "warning",
                "SMSRELAY_RETRY_BASE_SECONDS": "1", "SMSRELAY_RETRY_MAX_SECONDS": "1",
            ]
            let server = try await ServeProcess(environment: env)
            // Every delivery fails while the load runs (the maildir's tmp is a file), so that no
            // email is in flight when the relay dies: what this test counts is the intake's.
            let tmp = maildir.appendingPathComponent("tmp")
            try FileManager.default.removeItem(at: tmp)
            try Data("not a folder".utf8).write(to: tmp)
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Self.senders
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let tally = Tally()
            var inFlightAtKill = 0
            await withTaskGroup(of: Void.self) { group in
                for sender in 0..<Self.senders {
                    group.addTask {
                        for k in 0..<Self.perSender {
                            let n = k * Self.senders + sender
                            var request = HTTPClientRequest(url: server.callbackURL)
                            request.method = .POST
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.body = .bytes(ByteBuffer(string: Self.callback(n)))
                            tally.inFlight.add(1, ordering: .relaxed)
                            defer { tally.inFlight.subtract(1, ordering: .relaxed) }
                            guard let response = try? await client.execute(request, timeout: .seconds(10)),
                                (try? await response.body.collect(upTo: 1 << 16)) != nil
                            else { return }  // the relay is gone
                            if response.status == .ok { tally.answered.withLock { _ = $0.insert(n) } }
                        }
                    }
                }
                // Kill while the senders keep every connection busy: the writer is mid-commit nearly always.
                try? await eventually(timeout: .seconds(60), "600 callbacks answered") {
                    tally.answered.withLock { $0.count } >= 600
                }
                inFlightAtKill = tally.inFlight.load(ordering: .relaxed)
                server.kill()
            }
            try await client.shutdown()
            let answeredSet = tally.answered.withLock { $0 }
            #expect(answeredSet.count >= 600)
            #expect(inFlightAtKill > 1, "requests were in flight together when the relay died")

            // Every row reads back whole (a torn one would not decode), and every 200 is among them.
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("outbox.sqlite").path)
            let rows = try await store.list(status: nil, limit: 100_000)
            let stored = rows.compactMap { $0.message.flatMap { Self.number(of: $0.id) } }
            #expect(Set(stored).count == stored.count, "no message stored twice")
            #expect(answeredSet.isSubset(of: Set(stored)), "missing: \(answeredSet.subtracting(stored).sorted().prefix(10))")
            // Stored but unanswered: only what was in flight when the relay died.
            #expect(Set(stored).subtracting(answeredSet).count <= Self.senders)
            for row in rows {
                #expect(row.message?.body == "batched \(Self.number(of: row.message?.id ?? "") ?? -1)")
            }

            // After a restart each stored message becomes exactly one email.
            #expect(try maildirMessages(maildir).isEmpty)
            try FileManager.default.removeItem(at: tmp)
            let restarted = try await ServeProcess(environment: env)
            try await eventually(timeout: .seconds(60), "every stored message delivered") {
                try await store.counts().pending == 0
            }
            _ = restarted.terminate()
            let delivered = try maildirMessages(maildir).compactMap { mail -> Int? in
                guard let range = mail.range(of: "mdr1-batch-") else { return nil }
                return Int(mail[range.upperBound...].prefix { $0.isNumber })
            }
            #expect(delivered.count == stored.count)
            #expect(Set(delivered) == Set(stored))
        }
    }
}
