import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel with the relay's edge around its HTTP codec:
/// ``ConnectionGuardHandler`` before it (raw bytes: request deadline, connection limit) and
/// ``HTTPExchangeHandler`` after it (decoded parts: JSON for parser errors, events for the guard).
/// Idle keep-alive connections are closed by Hummingbird's own idle timeout.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let limits: HTTPEdgeLimits
    let registry: ConnectionRegistry
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(
                ConnectionGuardHandler(limits: limits, registry: registry, logger: self.logger), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// An HTTP/1 server held to `limits`, its connections counted in `registry`.
    static func guardedHTTP1(limits: HTTPEdgeLimits, registry: ConnectionRegistry, logger: Logger) -> HTTPServerBuilder {
        let configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [HTTPExchangeHandler()],
            idleTimeout: TimeAmount(limits.idleTimeout))
        return HTTPServerBuilder { responder in
            GuardedHTTP1Channel(
                base: HTTP1Channel(responder: responder, configuration: configuration),
                limits: limits, registry: registry, logger: logger)
        }
    }
}
