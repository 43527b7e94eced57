import Logging
import MailKit
import Synchronization

/// A wait that ignores cancellation, as a stalled NIO future does: it ends only when the gate
/// is opened. Tests open it when they are done, so that nothing is left suspended.
final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var arrivals = 0
    }

    private let state = Mutex(State())

    /// How many waits have begun.
    var arrivals: Int { state.withLock { $0.arrivals } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state -> Bool in
                state.arrivals += 1
                if !state.isOpen { state.waiters.append(continuation) }
                return state.isOpen
            }
            if isOpen { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isOpen = true
            let waiters = state.waiters
            state.waiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A transport whose sends never finish and ignore cancellation, until `gate` is opened.
struct StalledTransport: MailTransport {
    let gate = Gate()
    var name: String { "stalled" }

    func send(_ email: Email) async throws -> MailReceipt {
        await gate.wait()
        throw MailTransportError.transient("released at the end of the test")
    }
}

/// Keeps what is logged through it, for tests that check a log line.
struct RecordingLogHandler: LogHandler {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    final class Store: Sendable {
        private let entries = Mutex<[Entry]>([])
        var all: [Entry] { entries.withLock { $0 } }
        func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    }

    let store: Store
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        store.append(Entry(
            level: event.level, message: "\(event.message)",
            metadata: metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })))
    }

    /// A logger that records into `store`.
    static func logger(_ store: Store) -> Logger {
        Logger(label: "recording") { _ in RecordingLogHandler(store: store) }
    }
}
