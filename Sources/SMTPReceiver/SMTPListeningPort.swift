import Synchronization

/// The port the server listens on, for those who wait for it before the socket is bound.
final class SMTPListeningPort: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(SMTPReceiverError)
    }

    private let state = Mutex(State.waiting([]))

    var value: Int {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let settled: Result<Int, SMTPReceiverError>? = state.withLock { state in
                    switch state {
                    case .waiting(let waiters):
                        state = .waiting(waiters + [continuation])
                        return nil
                    case .bound(let port): return .success(port)
                    case .failed(let error): return .failure(error)
                    }
                }
                if let settled { continuation.resume(with: settled) }
            }
        }
    }

    func bound(_ port: Int) {
        settle(.bound(port)).forEach { $0.resume(returning: port) }
    }

    /// The server will not listen (any more); waiters and later callers get `error`.
    func failed(_ error: SMTPReceiverError) {
        settle(.failed(error)).forEach { $0.resume(throwing: error) }
    }

    private func settle(_ new: State) -> [CheckedContinuation<Int, any Error>] {
        state.withLock { state in
            guard case .waiting(let waiters) = state else {
                if case .bound = state, case .failed = new { state = new }
                return []
            }
            state = new
            return waiters
        }
    }
}
