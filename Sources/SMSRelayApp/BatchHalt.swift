import Synchronization

/// Why a claimed batch starts no more messages, shared by the lanes that deliver it.
final class BatchHalt: Sendable {
    enum Reason: Int, Comparable {
        /// Half of the claim's lease is gone: the rest goes back for the next claim.
        case halfLease
        /// An outcome could not be recorded: sending more would only add to what waits in memory.
        case storeFailure
        /// The worker is stopping.
        case stopping

        static func < (lhs: Reason, rhs: Reason) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private let state = Mutex<Reason?>(nil)

    /// The weightiest reason noted so far, nil while the batch goes on.
    var reason: Reason? { state.withLock { $0 } }

    func note(_ reason: Reason) {
        state.withLock { current in current = max(current ?? reason, reason) }
    }
}
