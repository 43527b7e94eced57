/// Stops the transport from trying the server while trying cannot help.
///
/// A refused password fails every message the same way, and each try is one more failed login:
/// enough to trip a provider's lockout. So after such a failure (see ``trips(on:)``) the breaker
/// opens for a pause that doubles with each failure in a row, from ``Policy/initialPause`` to
/// ``Policy/maximumPause``; while it is open no connection is made. The first attempt after the
/// pause is a probe: success closes the breaker, failure opens it again for longer.
struct SMTPCircuitBreaker: Sendable {
    struct Policy: Sendable, Equatable {
        var initialPause: Duration
        var maximumPause: Duration

        init(initialPause: Duration = .seconds(60), maximumPause: Duration = .seconds(3600)) {
            self.initialPause = initialPause
            self.maximumPause = max(initialPause, maximumPause)
        }
    }

    /// What opening the breaker did.
    struct Opening: Sendable, Equatable {
        var pause: Duration
        /// Whether the breaker was closed before: the failure is news, worth a log line.
        var isFirst: Bool
    }

    let policy: Policy
    private var openUntil: ContinuousClock.Instant?
    private var lastPause: Duration?
    /// Why the breaker is open: the error that opened it.
    private(set) var reason: SMTPError?

    init(policy: Policy) {
        self.policy = policy
    }

    /// Failures that every message would meet until someone changes the configuration or the server.
    static func trips(on error: SMTPError) -> Bool {
        [.authenticationFailed, .authenticationUnavailable, .certificateUntrusted, .tlsUnavailable].contains(error.code)
    }

    /// The wait left before the server may be tried again; `nil` when it may be tried now.
    func remainingPause(at now: ContinuousClock.Instant) -> Duration? {
        guard let openUntil, now < openUntil else { return nil }
        return openUntil - now
    }

    /// Whether a failure has opened the breaker and no delivery has closed it since.
    var hasFailed: Bool { reason != nil }

    /// Opens the breaker after `error`, for twice the last pause (the initial pause the first time).
    mutating func open(after error: SMTPError, at now: ContinuousClock.Instant) -> Opening {
        let pause = lastPause.map { min($0 * 2, policy.maximumPause) } ?? policy.initialPause
        let isFirst = reason == nil
        lastPause = pause
        openUntil = now + pause
        reason = error
        return Opening(pause: pause, isFirst: isFirst)
    }

    /// Closes the breaker after a success. Returns whether it had been opened.
    mutating func close() -> Bool {
        defer {
            openUntil = nil
            lastPause = nil
            reason = nil
        }
        return reason != nil
    }
}
