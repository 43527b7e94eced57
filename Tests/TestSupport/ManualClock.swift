import Synchronization

/// A clock that only moves when told to, or when something sleeps past its time: a sleeper
/// wakes at once, with the clock at its deadline. Records every deadline slept until.
public final class ManualClock: Clock, Sendable {
    public struct Instant: InstantProtocol {
        public var offset: Duration

        public init(offset: Duration) { self.offset = offset }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleeps: [Instant] = []
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .zero }

    /// The deadlines slept until, in order.
    public var sleeps: [Instant] { state.withLock { $0.sleeps } }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.sleeps.append(deadline)
            $0.now = max($0.now, deadline)
        }
    }

    /// Moves the clock forward by `duration`.
    public func advance(by duration: Duration) {
        state.withLock { $0.now = $0.now.advanced(by: duration) }
    }

    /// Moves the clock to `offset` from its start, unless it is past it already.
    public func advance(to offset: Duration) {
        state.withLock { $0.now = max($0.now, Instant(offset: offset)) }
    }
}
