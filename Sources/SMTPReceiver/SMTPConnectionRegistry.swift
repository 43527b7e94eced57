import NIOCore
import Synchronization

/// The connections the server has open, counted in all and by client address, so that it can
/// refuse one over the limits and reach each of them when it stops.
final class SMTPConnectionRegistry: Sendable {
    private struct State {
        var open: [ObjectIdentifier: (channel: any Channel, address: String)] = [:]
        var perAddress: [String: Int] = [:]
        var shuttingDown = false
    }

    let maximumConnections: Int
    let maximumPerAddress: Int
    private let state = Mutex(State())

    init(maximumConnections: Int, maximumPerAddress: Int) {
        self.maximumConnections = maximumConnections
        self.maximumPerAddress = maximumPerAddress
    }

    /// Counts `channel` in if the limits allow; a refused channel is not counted.
    func admit(_ channel: any Channel, address: String) -> SMTPServerStateMachine.Admission {
        let admission = state.withLock { state -> SMTPServerStateMachine.Admission in
            if state.shuttingDown { return .shuttingDown }
            if state.open.count >= maximumConnections { return .tooManyConnections }
            if state.perAddress[address, default: 0] >= maximumPerAddress { return .tooManyFromAddress }
            state.open[ObjectIdentifier(channel)] = (channel, address)
            state.perAddress[address, default: 0] += 1
            return .accepted
        }
        if admission == .accepted {
            channel.closeFuture.whenComplete { _ in self.remove(channel) }
        }
        return admission
    }

    private func remove(_ channel: any Channel) {
        state.withLock { state in
            guard let entry = state.open.removeValue(forKey: ObjectIdentifier(channel)) else { return }
            let left = state.perAddress[entry.address, default: 1] - 1
            state.perAddress[entry.address] = left > 0 ? left : nil
        }
    }

    var count: Int {
        state.withLock { $0.open.count }
    }

    /// Refuses every later connection and returns those open now.
    func beginShutdown() -> [any Channel] {
        state.withLock { state in
            state.shuttingDown = true
            return state.open.values.map(\.channel)
        }
    }
}
