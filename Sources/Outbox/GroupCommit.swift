import GRDB
import Synchronization

/// Writes that arrive while a commit is in flight share the next transaction, so that one fsync
/// acknowledges them all (group commit).
///
/// Each write is queued, then a turn on the database's one writer is asked for. The turn that
/// runs first takes every write queued so far and commits them together; the turns of the writes
/// it took find nothing left and end at once. The writer runs one turn at a time, so a write
/// arriving during a commit waits for it and joins the next one: under load, batches grow by
/// themselves, and a lone write still commits at once, alone.
///
/// A write returns only after its transaction is committed, with its own result. In a batch of
/// several, each runs in a savepoint of its own: one that throws is rolled back alone and gets its
/// own error, the others commit (a write alone is rolled back with its transaction). A failed
/// commit rolls back the whole batch and every write in it gets the error; no write of a batch is
/// ever kept without the others.
final class GroupCommit: Sendable {
    private let pool: DatabasePool
    private let waiting = Mutex<[any QueuedWrite]>([])
    private let batches = Atomic<Int>(0)
    private let taken = Atomic<Int>(0)
    /// Called on the writer after a batch in which anything failed (to give back disk space).
    private let afterFailure: @Sendable (Database) -> Void

    init(pool: DatabasePool, afterFailure: @escaping @Sendable (Database) -> Void) {
        self.pool = pool
        self.afterFailure = afterFailure
    }

    /// How many transactions have committed so far (each one batch of writes).
    var committedBatches: Int { batches.load(ordering: .relaxed) }

    /// How many writes wait for a turn on the writer.
    var queuedWrites: Int { waiting.withLock(\.count) }

    /// How many writes a turn on the writer has taken so far (committed, failed or in flight).
    var takenWrites: Int { taken.load(ordering: .relaxed) }

    /// Runs `updates` in the next committed batch and returns its result once that is on disk.
    ///
    /// The turn on the writer is asked for before this waits and is not cancelled with the caller:
    /// a write once queued is committed or failed, never left behind.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let write = PendingWrite(updates)
        waiting.withLock { $0.append(write) }
        pool.asyncWriteWithoutTransaction { [self] db in
            commitWaiting(db)
        }
        return try await write.result()
    }

    /// One turn on the writer: commits everything queued, or nothing when an earlier turn took it.
    private func commitWaiting(_ db: Database) {
        let batch = waiting.withLock { queued in
            defer { queued.removeAll(keepingCapacity: true) }
            return queued
        }
        guard !batch.isEmpty else { return }
        taken.add(batch.count, ordering: .relaxed)
        var anyFailed = false
        do {
            try db.inTransaction(.immediate) {
                for write in batch {
                    do {
                        if batch.count == 1 {
                            // Alone, it needs no savepoint: its failure rolls back the transaction.
                            try write.stage(db)
                        } else {
                            try db.inSavepoint {
                                try write.stage(db)
                                return .commit
                            }
                        }
                    } catch {
                        anyFailed = true
                        write.stageFailure(error)
                        // A write alone is rolled back with its transaction. SQLite ends the
                        // whole transaction on some errors (a full disk, I/O): then nothing of
                        // this batch can be committed.
                        if batch.count == 1 || !db.isInsideTransaction { throw error }
                    }
                }
                return .commit
            }
            batches.add(1, ordering: .relaxed)
            for write in batch { write.commitStaged() }
        } catch {
            anyFailed = true
            for write in batch { write.fail(error) }
        }
        if anyFailed { afterFailure(db) }
    }
}

/// A queued write, whatever its result type.
private protocol QueuedWrite: Sendable {
    /// Runs the write inside the batch's transaction; its result waits for the commit.
    func stage(_ db: Database) throws
    /// The write itself failed (its savepoint was rolled back).
    func stageFailure(_ error: any Error)
    /// The batch is committed: hands over the staged result or the write's own error.
    func commitStaged()
    /// The batch is not committed.
    func fail(_ error: any Error)
}

private final class PendingWrite<T: Sendable>: QueuedWrite {
    private enum State {
        case queued(waiter: CheckedContinuation<T, any Error>?, staged: Result<T, any Error>?)
        case done(Result<T, any Error>)
    }

    private let updates: @Sendable (Database) throws -> T
    private let state = Mutex(State.queued(waiter: nil, staged: nil))

    init(_ updates: @escaping @Sendable (Database) throws -> T) {
        self.updates = updates
    }

    func stage(_ db: Database) throws {
        let value = try updates(db)
        setStaged(.success(value))
    }

    func stageFailure(_ error: any Error) {
        setStaged(.failure(error))
    }

    private func setStaged(_ result: Result<T, any Error>) {
        state.withLock { state in
            if case .queued(let waiter, _) = state { state = .queued(waiter: waiter, staged: result) }
        }
    }

    func commitStaged() {
        let staged: Result<T, any Error>? = state.withLock { state in
            if case .queued(_, let staged) = state { return staged }
            return nil
        }
        finish(staged ?? .failure(OutboxError.inconsistent("a write of a committed batch has no result")))
    }

    func fail(_ error: any Error) {
        finish(.failure(error))
    }

    private func finish(_ result: Result<T, any Error>) {
        let waiter: CheckedContinuation<T, any Error>? = state.withLock { state in
            guard case .queued(let waiter, _) = state else { return nil }
            state = .done(result)
            return waiter
        }
        waiter?.resume(with: result)
    }

    /// Waits for the batch this write is in to be committed or failed.
    func result() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let done: Result<T, any Error>? = state.withLock { state in
                switch state {
                case .done(let result):
                    return result
                case .queued(_, let staged):
                    state = .queued(waiter: continuation, staged: staged)
                    return nil
                }
            }
            if let done { continuation.resume(with: done) }
        }
    }
}
