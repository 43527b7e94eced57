import NIOCore
import NIOPosix
import Synchronization

/// A mail server that never speaks: it accepts TCP connections on 127.0.0.1 and sends nothing,
/// not even the SMTP greeting, so a client waits for as long as its own limits let it.
///
/// Start it with ``start()`` and ``stop()`` it when done (see `using(_:stop:_:)`): stopping closes
/// the listening socket and every connection it accepted.
public final class StalledSMTPServer: Sendable {
    /// The port it listens on, chosen by the system.
    public let port: Int
    private let listener: any Channel
    private let connections: Connections

    private init(port: Int, listener: any Channel, connections: Connections) {
        self.port = port
        self.listener = listener
        self.connections = connections
    }

    /// How many connections it has accepted so far.
    public var acceptedConnections: Int { connections.state.withLock { $0.accepted } }

    /// Listens on 127.0.0.1 at a free port.
    public static func start() async throws -> StalledSMTPServer {
        let connections = Connections()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                connections.accept(channel)
                // Whatever the client writes is read and dropped; nothing is ever written back.
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = listener.localAddress?.port else {
            try? await listener.close()
            throw TestFailure("the stalled SMTP server has no local port")
        }
        return StalledSMTPServer(port: port, listener: listener, connections: connections)
    }

    /// Stops listening and closes every connection; connections accepted later are closed at once.
    public func stop() async {
        let open = connections.state.withLock { state -> [any Channel] in
            state.stopped = true
            let open = state.connections
            state.connections = []
            return open
        }
        try? await listener.close()
        for channel in open {
            try? await channel.close()
        }
    }

    /// The accepted connections, shared with the bootstrap's initializer before the server exists.
    private final class Connections: Sendable {
        struct State {
            var accepted = 0
            var connections: [any Channel] = []
            var stopped = false
        }

        let state = Mutex(State())

        func accept(_ channel: any Channel) {
            let stopped = state.withLock { state -> Bool in
                state.accepted += 1
                if !state.stopped { state.connections.append(channel) }
                return state.stopped
            }
            if stopped { channel.close(promise: nil) }
        }
    }
}
