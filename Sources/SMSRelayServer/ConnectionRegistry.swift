import NIOCore
import Synchronization

/// The server's open connections, kept under a limit.
///
/// A connection past the limit takes the place of the connection that has been idle (between
/// requests) for longest, so that idle keep-alive connections cannot lock out new clients; when
/// every connection is busy with a request, the new one is refused.
final class ConnectionRegistry: Sendable {
    enum Admission {
        /// Room was free.
        case admitted
        /// Admitted in place of this idle connection, which the caller closes.
        case admittedReplacing(any Channel)
        /// Every connection is busy: close the new one.
        case refused
    }

    private struct Entry {
        let channel: any Channel
        /// When the connection last became idle; nil while a request is in hand.
        var idleSince: ContinuousClock.Instant?
    }

    private struct State {
        var limit: Int
        var entries: [ObjectIdentifier: Entry] = [:]
        var lastFullNotice: ContinuousClock.Instant?
    }

    private let state: Mutex<State>

    init(limit: Int) {
        precondition(limit > 0, "a connection limit must allow at least one connection")
        state = Mutex(State(limit: limit))
    }

    /// How many connections may be open at once; lowering it closes none, it only refuses or
    /// replaces new ones.
    var limit: Int {
        get { state.withLock { $0.limit } }
        set {
            precondition(newValue > 0, "a connection limit must allow at least one connection")
            state.withLock { $0.limit = newValue }
        }
    }

    /// Registers a new connection, idle until ``setIdle(_:_:)`` says otherwise.
    func admit(_ channel: any Channel, now: ContinuousClock.Instant = .now) -> Admission {
        state.withLock { state in
            let id = ObjectIdentifier(channel)
            if state.entries.count < state.limit {
                state.entries[id] = Entry(channel: channel, idleSince: now)
                return .admitted
            }
            let oldestIdle = state.entries.lazy
                .compactMap { key, entry in entry.idleSince.map { (key, $0) } }
                .min { $0.1 < $1.1 }
            guard let (victim, _) = oldestIdle, let replaced = state.entries.removeValue(forKey: victim) else {
                return .refused
            }
            state.entries[id] = Entry(channel: channel, idleSince: now)
            return .admittedReplacing(replaced.channel)
        }
    }

    /// Records whether a connection is idle (no request arriving or being answered).
    func setIdle(_ channel: any Channel, _ idle: Bool, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            let id = ObjectIdentifier(channel)
            guard let entry = state.entries[id] else { return }
            if idle, entry.idleSince == nil {
                state.entries[id]?.idleSince = now
            } else if !idle {
                state.entries[id]?.idleSince = nil
            }
        }
    }

    /// Forgets a connection that closed.
    func remove(_ channel: any Channel) {
        _ = state.withLock { $0.entries.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var count: Int { state.withLock { $0.entries.count } }

    /// Whether to log that the limit was reached: at most once a minute.
    func shouldNoteLimitReached(now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            if let last = state.lastFullNotice, now - last < .seconds(60) { return false }
            state.lastFullNotice = now
            return true
        }
    }
}
