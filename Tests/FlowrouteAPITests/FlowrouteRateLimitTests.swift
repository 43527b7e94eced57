@testable import FlowrouteAPI
import Foundation
import Testing
import TestSupport

@Suite("The sending rate")
struct FlowrouteRateLimitTests {
    @Test("12 sends at once all go through, spread over more than a second")
    func concurrentSendsKeepTheRate() async throws {
        try await FakeFlowrouteAPI.with { fake in
            let client = makeClient(fake, maxPerSecond: 5)
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<12 {
                    group.addTask { try await client.send(sampleSMS(body: "message \(index)")).messageID }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(ids).count == 12)

            let times = try await fake.requests().map(\.time).sorted()
            #expect(times.count == 12)
            // The client spaces its sends; when they reach the fake depends on the machine's load
            // (a late first request bunches with the next ones), so the window itself is checked
            // on the limiter with a test clock below. Here: the sends were spread, not sent at once.
            #expect(times.last! - times.first! >= 1.0, "12 sends at 5 a second span more than one window")
        }
    }

    @Test("the first sends start at once; the next wait for the oldest to leave the window")
    func reservations() {
        let clock = ManualClock()
        let limiter = SendRateLimiter(limit: 5, window: .seconds(1), clock: clock)
        let first = (0..<5).map { _ in limiter.reserve().offset }
        #expect(first == Array(repeating: .zero, count: 5))
        #expect(limiter.reserve().offset == .seconds(1))
        clock.advance(to: .milliseconds(300))
        #expect((0..<4).map { _ in limiter.reserve().offset } == Array(repeating: .seconds(1), count: 4))
        #expect(limiter.reserve().offset == .seconds(2))
        clock.advance(to: .seconds(10))
        #expect(limiter.reserve().offset == .seconds(10), "an idle limiter lets a send start at once")
    }

    @Test("a caller sleeps only when the window is full, until its start time")
    func acquireSleepsUntilItsStart() async throws {
        let clock = ManualClock()
        let limiter = SendRateLimiter(limit: 2, window: .seconds(1), clock: clock)
        for _ in 0..<5 { try await limiter.acquire() }
        #expect(clock.sleeps.map(\.offset) == [.seconds(1), .seconds(2)])
    }

    @Test("whatever the times callers ask at, no window holds more than the limit", arguments: [1, 3, 5])
    func noWindowOverfull(limit: Int) {
        var random = SplitMix64(seed: UInt64(limit))
        let clock = ManualClock()
        let limiter = SendRateLimiter(limit: limit, window: .seconds(1), clock: clock)
        var now = Duration.zero
        var starts: [Duration] = []
        for _ in 0..<500 {
            now += .milliseconds(Int64(random.next() % 400))
            clock.advance(to: now)
            let start = limiter.reserve().offset
            #expect(start >= now)
            starts.append(start)
        }
        #expect(starts == starts.sorted())
        for index in starts.indices.dropLast(limit) {
            #expect(starts[index + limit] - starts[index] >= .seconds(1))
        }
    }

    @Test("a caller waiting for the rate limit stops waiting when cancelled")
    func waitingIsCancellable() async throws {
        let limiter = SendRateLimiter(limit: 1, window: .seconds(3600), clock: ContinuousClock())
        try await limiter.acquire()
        let waiter = Task { try await limiter.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }
}
