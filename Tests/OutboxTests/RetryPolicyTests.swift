import Outbox
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5, baseDelay: .seconds(10), maxDelay: .seconds(60), jitter: 0.5)

    @Test("delays double from the base and stop at the cap")
    func exponential() {
        let delays = (1...4).map { policy.delay(afterFailedAttempts: $0, random: 0) }
        #expect(delays == [.seconds(10), .seconds(20), .seconds(40), .seconds(60)])
    }

    @Test("jitter shortens a delay by at most its share")
    func jitter() {
        #expect(policy.delay(afterFailedAttempts: 2, random: 0.999_999) == .milliseconds(10_000))
        #expect(policy.delay(afterFailedAttempts: 2, random: 0.5) == .milliseconds(15_000))
        for _ in 0..<100 {
            let delay = try! #require(policy.delay(afterFailedAttempts: 3))
            #expect(delay >= .seconds(20) && delay <= .seconds(40))
        }
    }

    @Test("no delay is offered once the attempts are used up")
    func exhausted() {
        #expect(policy.delay(afterFailedAttempts: 4, random: 0) != nil)
        #expect(policy.delay(afterFailedAttempts: 5, random: 0) == nil)
        #expect(RetryPolicy(maxAttempts: 1).delay(afterFailedAttempts: 1) == nil)
    }
}
