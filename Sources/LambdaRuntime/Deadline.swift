import Synchronization

/// An operation did not finish by its deadline and was abandoned.
public struct DeadlineExceeded: Error, Sendable, Equatable, CustomStringConvertible {
    /// The limit the operation hit.
    public let deadline: ContinuousClock.Instant

    public init(deadline: ContinuousClock.Instant) {
        self.deadline = deadline
    }

    public var description: String { "the operation did not finish by its deadline" }
}

/// Runs `operation` and returns its value, or throws ``DeadlineExceeded`` once `deadline` has passed.
///
/// The answer comes back on time even when the operation ignores cancellation (a NIO future that
/// is never completed, a blocking call): the operation runs in a task of its own, raced against a
/// timer, and this function returns as soon as either ends. At the deadline the operation is
/// cancelled and abandoned; whatever it does afterwards, its result is dropped.
///
/// - A deadline already past throws ``DeadlineExceeded`` without starting the operation.
/// - An error the operation throws in time is rethrown as it is.
/// - When the calling task is cancelled, the operation is cancelled too and this function throws
///   `CancellationError` at once, without waiting for the operation either.
public func withDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant,
    operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    guard ContinuousClock.now < deadline else { throw DeadlineExceeded(deadline: deadline) }
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation, deadline: deadline, operation: operation)
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The state shared by the operation, the timer and the caller: whichever finishes first resumes
/// the caller, exactly once, and cancels the others.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        /// Set once the caller has been answered; a result arriving later is dropped.
        var finished = false
        /// An answer given before the continuation was installed (a cancellation racing the start).
        var early: Result<T, any Error>?
        var tasks: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    func start(
        _ continuation: CheckedContinuation<T, any Error>,
        deadline: ContinuousClock.Instant,
        operation: @escaping @Sendable () async throws -> T
    ) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if state.finished { return state.early }
            state.continuation = continuation
            return nil
        }
        if let early {
            continuation.resume(with: early)
            return
        }
        let work = Task {
            let result: Result<T, any Error>
            do {
                result = .success(try await operation())
            } catch {
                result = .failure(error)
            }
            self.finish(result)
        }
        let timer = Task {
            // The sleep throws only when cancelled, that is, once the operation has finished.
            guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
            self.finish(.failure(DeadlineExceeded(deadline: deadline)))
        }
        let alreadyFinished = state.withLock { state -> Bool in
            if !state.finished { state.tasks = [work, timer] }
            return state.finished
        }
        if alreadyFinished {
            work.cancel()
            timer.cancel()
        }
    }

    /// Answers the caller with `result` unless it has been answered already, and cancels the rest.
    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard !state.finished else { return (nil, []) }
            state.finished = true
            let taken = (state.continuation, state.tasks)
            if taken.0 == nil { state.early = result }
            state.continuation = nil
            state.tasks = []
            return taken
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}
