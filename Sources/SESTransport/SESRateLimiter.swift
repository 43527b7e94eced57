import Synchronization

/// Paces SES sends to SES's sending rate, shared by every send in flight, and adapts the pace to
/// SES's answers (AIMD): a throttling answer halves the allowed rate, each accepted message raises
/// it by a small step, back up to the configured maximum.
///
/// Starts are spaced `1 / rate` apart: each caller takes the next free start time under a lock,
/// then sleeps until it, so however many tasks send at once, no two starts come closer than the
/// rate allows, and callers are served in the order they ask. Sends that were in flight together
/// are often throttled together: the rate is halved at most once a second, for the burst.
/// A caller cancelled while it waits gives up its send, not its start time: the rate may be
/// under-used, never exceeded.
final class SESRateLimiter<C: Clock>: Sendable where C.Duration == Duration {
    /// The configured rate, in messages per second, which successes climb back to.
    let maximumRate: Double
    /// The lowest the rate falls to, however often SES throttles.
    let minimumRate: Double
    /// How much each accepted message adds to the rate, in messages per second.
    let increase: Double
    let clock: C

    private struct State {
        var rate: Double
        /// The earliest the next send may start; nil before the first.
        var nextStart: C.Instant?
        var lastDecrease: C.Instant?
    }

    private let state: Mutex<State>

    /// - Parameters:
    ///   - maximumRate: messages per second, above zero (SES's own default quota is 14).
    ///   - increase: the additive step per accepted message; a fiftieth of the maximum by default,
    ///     so that a halved rate is back to full after some 25 messages.
    init(maximumRate: Double, clock: C, increase: Double? = nil) {
        precondition(maximumRate > 0, "a send rate is above zero")
        self.maximumRate = maximumRate
        self.minimumRate = min(maximumRate, 1)
        self.increase = increase ?? maximumRate / 50
        self.clock = clock
        state = Mutex(State(rate: maximumRate))
    }

    /// The rate allowed now, in messages per second.
    var rate: Double { state.withLock { $0.rate } }

    /// Waits until the caller may send; throws `CancellationError` if the task is cancelled first.
    func acquire() async throws {
        let start = reserve()
        if clock.now < start {
            try await clock.sleep(until: start, tolerance: .zero)
        }
    }

    /// Takes the next start time: now, or one interval after the previous start.
    func reserve() -> C.Instant {
        state.withLock { state in
            let now = clock.now
            let start = state.nextStart.map { max($0, now) } ?? now
            state.nextStart = start.advanced(by: Self.interval(at: state.rate))
            return start
        }
    }

    /// SES throttled a send: halve the rate (once a second at most), and start nothing before one
    /// interval at the new rate has passed.
    func throttled() {
        state.withLock { state in
            let now = clock.now
            if let last = state.lastDecrease, last.duration(to: now) < .seconds(1) { return }
            state.lastDecrease = now
            state.rate = max(minimumRate, state.rate / 2)
            let resume = now.advanced(by: Self.interval(at: state.rate))
            state.nextStart = state.nextStart.map { max($0, resume) } ?? resume
        }
    }

    /// SES took a message: raise the rate a step, up to the maximum.
    func succeeded() {
        state.withLock { state in
            state.rate = min(maximumRate, state.rate + increase)
        }
    }

    /// The time between two starts at `rate` messages per second.
    static func interval(at rate: Double) -> Duration {
        .nanoseconds(Int64((1e9 / rate).rounded()))
    }
}
