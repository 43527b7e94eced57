import Foundation

/// When to try a failed delivery again: exponential backoff with jitter, for as long as the
/// retry horizon allows (five days by default, as Postfix's queue lifetime), optionally capped at
/// a number of attempts.
public struct RetryPolicy: Sendable, Equatable {
    /// How long after it became pending a message is still retried; past it, the next transient
    /// failure makes the message dead.
    public var retryFor: Duration
    /// Attempts in all, the first included, when capped; `nil` retries until ``retryFor`` ends.
    public var maxAttempts: Int?
    /// The delay after the first failure, before jitter.
    public var baseDelay: Duration
    /// No delay is longer than this, before jitter.
    public var maxDelay: Duration
    /// The share of each delay that is random: 0.5 draws each delay from [d/2, d].
    public var jitter: Double

    public static let defaultRetryFor = Duration.seconds(5 * 86_400)

    public init(
        retryFor: Duration = defaultRetryFor,
        maxAttempts: Int? = nil,
        baseDelay: Duration = .seconds(5),
        maxDelay: Duration = .seconds(3600),
        jitter: Double = 0.5
    ) {
        self.retryFor = retryFor
        self.maxAttempts = maxAttempts.map { max(1, $0) }
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay before the next attempt after `attempts` failed ones, or nil when the message
    /// is out of attempts or past its retry horizon.
    /// - Parameters:
    ///   - pendingSince: when the message was stored (or revived by `outbox retry`).
    ///   - random: a number in [0, 1), drawn anew for each call.
    public func delay(
        afterFailedAttempts attempts: Int,
        pendingSince: Date,
        now: Date,
        random: Double = Double.random(in: 0..<1)
    ) -> Duration? {
        if let maxAttempts, attempts >= maxAttempts { return nil }
        guard now.timeIntervalSince(pendingSince) < Self.seconds(retryFor) else { return nil }
        let exponent = min(max(attempts - 1, 0), 40)
        let base = Self.seconds(baseDelay) * pow(2, Double(exponent))
        let capped = min(base, Self.seconds(maxDelay))
        let factor = 1 - jitter * random
        return .milliseconds(Int64((capped * factor * 1000).rounded()))
    }

    package static func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }
}
