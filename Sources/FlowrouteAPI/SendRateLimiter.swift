import Synchronization

/// Spaces out the starts of sends so that no window of ``window`` holds more than ``limit`` of
/// them, however many tasks send at once.
///
/// Each caller takes the next free start time under a lock, then sleeps until it: the first
/// ``limit`` go at once, the next wait for the oldest start to leave the window. Starts are handed
/// out in the order callers ask, so nobody waits forever. A caller cancelled while it waits gives
/// up its send but not its start time: the limit may be under-used, never exceeded.
final class SendRateLimiter<C: Clock>: Sendable where C.Duration == Duration {
    let limit: Int
    let window: Duration
    let clock: C
    /// The last `limit` start times handed out, oldest first (they never decrease).
    private let starts: Mutex<[C.Instant]>

    /// - Parameters:
    ///   - limit: the most starts in any `window`; at least 1.
    ///   - window: the length of the window.
    init(limit: Int, window: Duration, clock: C) {
        precondition(limit >= 1, "a rate limit lets at least one send through")
        self.limit = limit
        self.window = window
        self.clock = clock
        starts = Mutex([])
    }

    /// Waits until the caller may start; throws `CancellationError` if the task is cancelled first.
    func acquire() async throws {
        let start = reserve()
        if clock.now < start {
            try await clock.sleep(until: start, tolerance: .zero)
        }
    }

    /// Takes the next start time, now if the window allows.
    func reserve() -> C.Instant {
        starts.withLock { starts in
            Self.next(after: &starts, now: clock.now, limit: limit, window: window)
        }
    }

    /// The earliest start at or after `now` that keeps `limit` starts per `window`, added to `starts`.
    static func next(after starts: inout [C.Instant], now: C.Instant, limit: Int, window: Duration) -> C.Instant {
        var start = now
        if starts.count >= limit {
            let oldest = starts.removeFirst()
            start = max(now, oldest.advanced(by: window))
        }
        if let last = starts.last { start = max(start, last) }
        starts.append(start)
        return start
    }
}
