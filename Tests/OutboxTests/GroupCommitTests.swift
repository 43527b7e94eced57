import Foundation
import GRDB
@testable import Outbox
import SMSRelayCore
import Synchronization
import Testing
import TestSupport

@Suite("group commit")
struct GroupCommitTests {
    /// Holds SQLite's write lock from a second connection, as another process would, so that the
    /// store's writer waits in its turn and every write that arrives meanwhile queues.
    struct WriteLock {
        let connection: DatabaseQueue

        init(path: String) async throws {
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            connection = try DatabaseQueue(path: path, configuration: configuration)
            try await connection.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        }

        func release() async throws {
            try await connection.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
        }
    }

    /// Starts write 0 while the lock is held and waits until the writer's first turn took it (and
    /// waits for the lock), then starts writes 1..<count and waits until every one of them is
    /// queued behind that turn, then releases the lock: batches [0] and [1..<count], every time.
    static func whileLocked<T: Sendable>(
        _ lock: WriteLock, commits: GroupCommit, count: Int, _ write: @escaping @Sendable (Int) async throws -> T
    ) async throws -> [Int: Result<T, any Error>] {
        let takenBefore = commits.takenWrites
        return try await withThrowingTaskGroup(of: (Int, Result<T, any Error>).self) { group in
            func start(_ n: Int) {
                group.addTask {
                    do { return (n, .success(try await write(n))) } catch { return (n, .failure(error)) }
                }
            }
            start(0)
            try await eventually(timeout: .seconds(30), "the first write taken by the writer") {
                commits.takenWrites == takenBefore + 1
            }
            for n in 1..<count { start(n) }
            try await eventually(timeout: .seconds(30), "every other write queued behind it") {
                commits.queuedWrites == count - 1
            }
            try await lock.release()
            var results: [Int: Result<T, any Error>] = [:]
            for try await (n, result) in group { results[n] = result }
            return results
        }
    }

    @Test("enqueues that arrive during a commit share the next transaction, each answered with its own row")
    func enqueuesShareACommit() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("outbox.sqlite").path
            let store = try SQLiteOutboxStore(path: path, busyTimeout: 60)
            let before = store.commits.committedBatches
            let lock = try await WriteLock(path: path)
            let results = try await Self.whileLocked(lock, commits: store.commits, count: 50) { n in
                try await store.enqueue(InboundMessage.sample("mdr2-batch-\(n)"), now: Date())
            }
            // One transaction for the write the writer took first, one for everything queued behind it.
            #expect(store.commits.committedBatches - before == 2)
            let ids = try results.values.map { result -> Int64 in
                guard case .stored(let id) = try result.get() else { throw TestFailure("a duplicate among new messages") }
                return id
            }
            #expect(Set(ids).count == 50)
            #expect(try await store.counts().pending == 50)
            for (n, result) in results {
                let entry = try #require(try await store.entry(id: try result.get().id))
                #expect(entry.message?.id == "mdr2-batch-\(n)")
            }
        }
    }

    @Test("the same message twice in one batch is stored once; the second is told it is a duplicate")
    func duplicateWithinABatch() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("outbox.sqlite").path
            let store = try SQLiteOutboxStore(path: path, busyTimeout: 60)
            let lock = try await WriteLock(path: path)
            let results = try await Self.whileLocked(lock, commits: store.commits, count: 6) { n in
                try await store.enqueue(InboundMessage.sample("mdr2-same-\(n % 3)"), now: Date())
            }
            let answers = try results.values.map { try $0.get() }
            #expect(answers.filter { if case .stored = $0 { true } else { false } }.count == 3)
            #expect(Set(answers.map(\.id)).count == 3)
            #expect(try await store.counts().pending == 3)
        }
    }

    /// A pool with a table `t` and a deferred foreign key, whose violation only COMMIT detects.
    static func pool(at path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE t (x INTEGER PRIMARY KEY);
                CREATE TABLE child (x INTEGER PRIMARY KEY, parent INTEGER REFERENCES t(x) DEFERRABLE INITIALLY DEFERRED);
                """)
        }
        return pool
    }

    struct Refused: Error {}

    final class Counter: Sendable {
        let value = Atomic(0)
    }

    @Test("a write that throws is rolled back alone and gets its error; the rest of its batch commits")
    func failingWriteAlone() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("t.sqlite").path
            let pool = try Self.pool(at: path)
            let commits = GroupCommit(pool: pool) { _ in }
            let lock = try await WriteLock(path: path)
            let results = try await Self.whileLocked(lock, commits: commits, count: 8) { n in
                try await commits.write { db in
                    try db.execute(sql: "INSERT INTO t (x) VALUES (?)", arguments: [n])
                    if n == 5 { throw Refused() }
                    return n
                }
            }
            for n in 0..<8 {
                let result = try #require(results[n])
                if n == 5 {
                    #expect(throws: Refused.self) { try result.get() }
                } else {
                    #expect(try result.get() == n)
                }
            }
            let stored = try await pool.read { try Int.fetchAll($0, sql: "SELECT x FROM t ORDER BY x") }
            #expect(stored == [0, 1, 2, 3, 4, 6, 7])
        }
    }

    @Test("a write alone that throws is rolled back and gets its error; the next one commits")
    func failingWriteOnItsOwn() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try Self.pool(at: dir.appendingPathComponent("t.sqlite").path)
            let commits = GroupCommit(pool: pool) { _ in }
            await #expect(throws: Refused.self) {
                try await commits.write { db in
                    try db.execute(sql: "INSERT INTO t (x) VALUES (1)")
                    throw Refused()
                }
            }
            #expect(try await commits.write { db in try db.execute(sql: "INSERT INTO t (x) VALUES (2)") } == ())
            let stored = try await pool.read { try Int.fetchAll($0, sql: "SELECT x FROM t ORDER BY x") }
            #expect(stored == [2])
        }
    }

    @Test("a commit that fails fails every write of its batch, and none of them is kept")
    func failedCommitKeepsNothing() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("t.sqlite").path
            let pool = try Self.pool(at: path)
            let cleanedUp = Counter()
            let commits = GroupCommit(pool: pool) { _ in cleanedUp.value.add(1, ordering: .relaxed) }
            let lock = try await WriteLock(path: path)
            let results = try await Self.whileLocked(lock, commits: commits, count: 6) { n in
                try await commits.write { db in
                    // Write 3 names a parent that never exists: only COMMIT finds out.
                    try db.execute(sql: "INSERT INTO child (x, parent) VALUES (?, ?)", arguments: [n, n == 3 ? 999 : nil])
                    try db.execute(sql: "INSERT INTO t (x) VALUES (?)", arguments: [n])
                    return n
                }
            }
            // Batch [0] commits; batch [1...5] cannot, because of write 3.
            let failed = results.filter { if case .failure = $0.value { true } else { false } }.keys.sorted()
            #expect(failed == [1, 2, 3, 4, 5])
            #expect(try results[0]?.get() == 0)
            let stored = try await pool.read { try Int.fetchAll($0, sql: "SELECT x FROM t ORDER BY x") }
            #expect(stored == [0])
            #expect(cleanedUp.value.load(ordering: .relaxed) == 1)
        }
    }
}
