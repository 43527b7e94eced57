import LambdaRuntime
import Synchronization
import TestSupport
import Testing

/// Timing bounds here are deliberately loose: CI runs every suite at once on two cores. What is
/// checked is the order of events (not before the deadline, long before the operation's end).
@Suite("withDeadline: an operation bounded by an instant")
struct WithDeadlineTests {
    struct Failure: Error, Equatable {}

    @Test("an operation that finishes in time gives its value")
    func inTime() async throws {
        let value = try await withDeadline(.now + .seconds(60)) { 42 }
        #expect(value == 42)
    }

    @Test("an operation that ignores cancellation and stalls is abandoned at the deadline, not at its end")
    func stalledUncooperative() async throws {
        let gate = Gate()
        defer { gate.open() }
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(500)
        let error = await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(deadline) {
                await gate.wait()  // never ends by itself: only the test opens the gate
                return 1
            }
        }
        let end = ContinuousClock.now
        #expect(error?.deadline == deadline)
        #expect(end >= deadline, "answered before the deadline")
        // The operation never ends by itself: any answer came from the deadline. The bound is loose
        // because a loaded machine (the whole suite on two cores) can delay the timer task.
        #expect(end - start < .seconds(60), "answered \(end - start) after the start for a 0.5 s deadline")
        #expect(gate.arrivals == 1)
    }

    @Test("an operation that stalls cooperatively is cancelled at the deadline")
    func stalledCooperative() async throws {
        let cancelled = Mutex(false)
        let start = ContinuousClock.now
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(start + .milliseconds(300)) {
                do {
                    try await Task.sleep(for: .seconds(120))
                } catch is CancellationError {
                    cancelled.withLock { $0 = true }
                    throw CancellationError()
                }
            }
        }
        #expect(ContinuousClock.now - start < .seconds(60))
        try await eventually("the operation to see its cancellation") { cancelled.withLock { $0 } }
    }

    @Test("a deadline already past throws without starting the operation")
    func alreadyPast() async throws {
        let started = Mutex(false)
        let deadline = ContinuousClock.now - .milliseconds(1)
        let error = await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(deadline) { started.withLock { $0 = true } }
        }
        #expect(error?.deadline == deadline)
        #expect(!started.withLock { $0 })
    }

    @Test("an error thrown in time is rethrown as it is")
    func errorPropagates() async throws {
        await #expect(throws: Failure.self) {
            try await withDeadline(.now + .seconds(60)) { () async throws -> Int in throw Failure() }
        }
    }

    @Test("cancelling the caller answers at once, even when the operation ignores cancellation")
    func callerCancelled() async throws {
        let gate = Gate()
        defer { gate.open() }
        let start = ContinuousClock.now
        let task = Task {
            try await withDeadline(start + .seconds(600)) {
                await gate.wait()
                return 1
            }
        }
        // While the whole suite starts, two cores' worth of threads may be busy for tens of seconds.
        try await eventually(timeout: .seconds(120), "the operation to start") { gate.arrivals == 1 }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - start < .seconds(120))
    }

    @Test("many short races each give the right answer")
    func manyRaces() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    if index.isMultiple(of: 2) {
                        let value = try await withDeadline(.now + .seconds(60)) { index }
                        #expect(value == index)
                    } else {
                        await #expect(throws: DeadlineExceeded.self) {
                            try await withDeadline(.now + .milliseconds(20)) {
                                try await Task.sleep(for: .seconds(60))
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
