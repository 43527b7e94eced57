import Testing

@testable import SMTPTransport

@Suite("SMTP circuit breaker")
struct SMTPCircuitBreakerTests {
    let refused = SMTPError(.authenticationFailed, "SMTP server refused AUTH PLAIN: 535 5.7.8 no", isTransient: false)

    @Test("credentials, certificates and missing TLS or AUTH trip it; a message's own trouble does not")
    func whatTrips() {
        for code in [SMTPError.Code.authenticationFailed, .authenticationUnavailable, .certificateUntrusted, .tlsUnavailable] {
            #expect(SMTPCircuitBreaker.trips(on: SMTPError(code, "x", isTransient: false)), "\(code)")
        }
        for code in [SMTPError.Code.connectionFailed, .timeout, .replyRejected, .recipientsRefused, .messageTooLarge, .tlsHandshakeFailed] {
            #expect(!SMTPCircuitBreaker.trips(on: SMTPError(code, "x", isTransient: true)), "\(code)")
        }
    }

    @Test("pauses double from the initial one up to the maximum, and a success starts over")
    func doubling() {
        var breaker = SMTPCircuitBreaker(policy: .init(initialPause: .seconds(60), maximumPause: .seconds(3600)))
        let start = ContinuousClock.now
        #expect(breaker.remainingPause(at: start) == nil)
        #expect(!breaker.hasFailed)

        let first = breaker.open(after: refused, at: start)
        #expect(first == .init(pause: .seconds(60), isFirst: true))
        #expect(breaker.remainingPause(at: start + .seconds(20)) == .seconds(40))
        #expect(breaker.remainingPause(at: start + .seconds(60)) == nil, "the probe may go")
        #expect(breaker.reason == refused)

        var pauses: [Duration] = []
        for _ in 0..<8 {
            let opening = breaker.open(after: refused, at: start)
            #expect(!opening.isFirst)
            pauses.append(opening.pause)
        }
        #expect(pauses.map { $0.components.seconds } == [120, 240, 480, 960, 1920, 3600, 3600, 3600])

        let closed = breaker.close()
        #expect(closed)
        #expect(breaker.remainingPause(at: start) == nil)
        let closedAgain = breaker.close()
        #expect(!closedAgain, "already closed")
        let reopened = breaker.open(after: refused, at: start)
        #expect(reopened == .init(pause: .seconds(60), isFirst: true))
    }
}
