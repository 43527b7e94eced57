import Foundation
import Outbox
@testable import SMSRelayApp
@testable import SMSRelayLambdaApp
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    let stored = Date(timeIntervalSince1970: 1_000_000)
    let policy = RetryPolicy(maxAttempts: 5, baseDelay: .seconds(10), maxDelay: .seconds(60), jitter: 0.5)

    @Test("delays double from the base and stop at the cap")
    func exponential() {
        let delays = (1...4).map { policy.delay(afterFailedAttempts: $0, pendingSince: stored, now: stored, random: 0) }
        #expect(delays == [.seconds(10), .seconds(20), .seconds(40), .seconds(60)])
    }

    @Test("jitter shortens a delay by at most its share")
    func jitter() {
        #expect(policy.delay(afterFailedAttempts: 2, pendingSince: stored, now: stored, random: 0.999_999) == .milliseconds(10_000))
        #expect(policy.delay(afterFailedAttempts: 2, pendingSince: stored, now: stored, random: 0.5) == .milliseconds(15_000))
        for _ in 0..<100 {
            let delay = try! #require(policy.delay(afterFailedAttempts: 3, pendingSince: stored, now: stored))
            #expect(delay >= .seconds(20) && delay <= .seconds(40))
        }
    }

    @Test("with a cap, no delay is offered once the attempts are used up")
    func exhausted() {
        #expect(policy.delay(afterFailedAttempts: 4, pendingSince: stored, now: stored, random: 0) != nil)
        #expect(policy.delay(afterFailedAttempts: 5, pendingSince: stored, now: stored, random: 0) == nil)
        #expect(RetryPolicy(maxAttempts: 1).delay(afterFailedAttempts: 1, pendingSince: stored, now: stored) == nil)
    }

    @Test("by default a message is retried for five days, however many attempts that takes, then given up")
    func horizon() {
        let policy = RetryPolicy()
        #expect(policy.maxAttempts == nil)
        #expect(policy.retryFor == .seconds(432_000))
        let hourLater = stored.addingTimeInterval(3600)
        #expect(policy.delay(afterFailedAttempts: 500, pendingSince: stored, now: hourLater, random: 0) == .seconds(3600))
        let almost = stored.addingTimeInterval(432_000 - 1)
        #expect(policy.delay(afterFailedAttempts: 120, pendingSince: stored, now: almost, random: 0) != nil)
        #expect(policy.delay(afterFailedAttempts: 121, pendingSince: stored, now: stored.addingTimeInterval(432_000), random: 0) == nil)
    }

    @Test("a mail server down for an hour is outlasted: the default schedule keeps trying through it")
    func outlastsAnHourOutage() {
        let policy = RetryPolicy()
        var now = stored
        var attempts = 0
        while now.timeIntervalSince(stored) < 3600 {
            attempts += 1
            guard let delay = policy.delay(afterFailedAttempts: attempts, pendingSince: stored, now: now) else {
                Issue.record("gave up after \(attempts) attempts, \(now.timeIntervalSince(stored)) s in")
                return
            }
            now = now.addingTimeInterval(Double(delay.components.seconds))
        }
    }
}
