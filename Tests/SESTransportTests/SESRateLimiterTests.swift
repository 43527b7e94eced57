import Testing
import TestSupport

@testable import SESTransport

@Suite("SES send rate limiter")
struct SESRateLimiterTests {
    /// Seconds from the first to the last of `starts`.
    static func seconds(_ starts: [ManualClock.Instant]) -> Double {
        let span = starts[0].duration(to: starts[starts.count - 1]).components
        return Double(span.seconds) + Double(span.attoseconds) / 1e18
    }

    @Test("however many ask at once, starts are spaced at the configured rate")
    func holdsTheRate() {
        let clock = ManualClock()
        let limiter = SESRateLimiter(maximumRate: 14, clock: clock)
        let starts = (0..<200).map { _ in limiter.reserve() }
        #expect(starts[0] == clock.now, "the first send goes at once")
        let achieved = Double(starts.count - 1) / Self.seconds(starts)
        #expect(abs(achieved - 14) / 14 < 0.0001, "achieved \(achieved) messages a second")
        for (earlier, later) in zip(starts, starts.dropFirst()) {
            #expect(earlier.duration(to: later) == SESRateLimiter<ManualClock>.interval(at: 14))
        }
    }

    @Test("a decimal rate is held too: half a message a second is one every two seconds")
    func decimalRate() {
        let clock = ManualClock()
        let limiter = SESRateLimiter(maximumRate: 0.5, clock: clock)
        let starts = (0..<3).map { _ in limiter.reserve() }
        #expect(starts[0].duration(to: starts[2]) == .seconds(4))
    }

    @Test("senders that wait sleep until their start, one interval apart")
    func acquireSleeps() async throws {
        let clock = ManualClock()
        let limiter = SESRateLimiter(maximumRate: 4, clock: clock)
        for _ in 0..<5 { try await limiter.acquire() }
        #expect(clock.sleeps.map(\.offset) == [.milliseconds(250), .milliseconds(500), .milliseconds(750), .seconds(1)])
    }

    @Test("time unused is not saved up: after a quiet spell the next send goes at once, the one after an interval later")
    func noBurstAfterQuiet() {
        let clock = ManualClock()
        let limiter = SESRateLimiter(maximumRate: 10, clock: clock)
        _ = limiter.reserve()
        clock.advance(by: .seconds(60))
        let first = limiter.reserve(), second = limiter.reserve()
        #expect(first == clock.now)
        #expect(first.duration(to: second) == .milliseconds(100))
    }

    @Test("a throttle halves the rate, and successes raise it back to the maximum, no further")
    func aimd() {
        let clock = ManualClock()
        let limiter = SESRateLimiter(maximumRate: 14, clock: clock)
        limiter.throttled()
        #expect(limiter.rate == 7)
        // The sends in flight with it are throttled in the same second: one decrease for the burst.
        limiter.throttled()
        #expect(limiter.rate == 7)
        clock.advance(by: .seconds(1))
        limiter.throttled()
        #expect(limiter.rate == 3.5)
        // Paced at the lower rate now.
        let start = limiter.reserve(), next = limiter.reserve()
        #expect(start.duration(to: next) == SESRateLimiter<ManualClock>.interval(at: 3.5))

        limiter.succeeded()
        #expect(abs(limiter.rate - (3.5 + 14.0 / 50)) < 1e-9, "additive: one step per accepted message")
        for _ in 0..<100 { limiter.succeeded() }
        #expect(limiter.rate == 14)
    }

    @Test("after a throttle nothing starts before one interval at the new rate")
    func throttleDefersNextStart() {
        let clock = ManualClock()
        let limiter = SESRateLimiter(maximumRate: 10, clock: clock)
        _ = limiter.reserve()
        limiter.throttled()
        #expect(clock.now.duration(to: limiter.reserve()) == .milliseconds(200))
    }

    @Test("however often SES throttles, the rate stays at one message a second or more")
    func floor() {
        let clock = ManualClock()
        let limiter = SESRateLimiter(maximumRate: 14, clock: clock)
        for _ in 0..<20 {
            limiter.throttled()
            clock.advance(by: .seconds(2))
        }
        #expect(limiter.rate == 1)
    }
}
