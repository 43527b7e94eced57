import Foundation

/// When to try a failed delivery again: exponential backoff with jitter, up to a number of attempts.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; after the last one fails the message is dead.
    public var maxAttempts: Int
    /// The delay after the first failure, before jitter.
    public var baseDelay: Duration
    /// No delay is longer than this, before jitter.
    public var maxDelay: Duration
    /// The share of each delay that is random: 0.5 draws each delay from [d/2, d].
    public var jitter: Double

    public init(maxAttempts: Int = 8, baseDelay: Duration = .seconds(5), maxDelay: Duration = .seconds(3600), jitter: Double = 0.5) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay before the next attempt after `attempts` failed ones, or nil when no attempt is left.
    /// `random` is a number in [0, 1), drawn anew for each call.
    public func delay(afterFailedAttempts attempts: Int, random: Double = Double.random(in: 0..<1)) -> Duration? {
        guard attempts < maxAttempts else { return nil }
        let exponent = min(max(attempts - 1, 0), 40)
        let base = Self.seconds(baseDelay) * pow(2, Double(exponent))
        let capped = min(base, Self.seconds(maxDelay))
        let factor = 1 - jitter * random
        return .milliseconds(Int64((capped * factor * 1000).rounded()))
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }
}
