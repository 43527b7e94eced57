import Foundation

extension Duration {
    /// The duration in seconds, fractions included: what the outbox takes as a lease.
    package var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
