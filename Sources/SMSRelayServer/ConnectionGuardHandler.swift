import Foundation
import Logging
import NIOCore

/// The first handler of every connection, before the HTTP decoder: it sees the raw bytes.
///
/// - A request must arrive whole within the request timeout, counted from its first byte; a
///   client that sends part of a request and stalls (slowloris) is answered 408 when nothing else
///   is being answered, and disconnected. Once a graceful shutdown has begun, a request still
///   arriving gets at most the shutdown grace.
/// - The connection takes a place in the ``ConnectionRegistry``; past the limit it replaces the
///   connection idle for longest, or is answered 503 and closed at once when none is idle.
///
/// Hummingbird closes idle keep-alive connections itself (`HTTP1Channel.Configuration.idleTimeout`);
/// what this handler knows of the decoded requests and responses comes from ``HTTPExchangeHandler``
/// as ``HTTPExchangeEvent``s.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let limits: HTTPEdgeLimits
    private let registry: ConnectionRegistry
    private let logger: Logger
    private var activity = ConnectionActivity()
    private var registered = false
    private var refused = false
    private var isQuiescing = false
    private var deadline: NIODeadline?
    private var deadlineTask: Scheduled<Void>?

    init(limits: HTTPEdgeLimits, registry: ConnectionRegistry, logger: Logger) {
        self.limits = limits
        self.registry = registry
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { register(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadline()
    }

    func channelActive(context: ChannelHandlerContext) {
        register(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        if registered {
            registry.remove(context.channel)
            registered = false
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A refused connection is answered and closing: what it sends is not read.
        guard !refused else { return }
        let wasIdle = activity.isIdle
        activity.bytesArrived()
        update(context: context, wasIdle: wasIdle)
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let event = event as? HTTPExchangeEvent else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        let wasIdle = activity.isIdle
        activity.handle(event)
        update(context: context, wasIdle: wasIdle)
        promise?.succeed(())
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            isQuiescing = true
            let graceEnds = context.eventLoop.now + .init(limits.shutdownGrace)
            if let deadline, deadline > graceEnds {
                // Shutting down: the request still arriving gets the grace, not its whole timeout.
                cancelDeadline()
                scheduleDeadline(context: context, at: graceEnds)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: -

    private func register(context: ChannelHandlerContext) {
        guard !registered, !refused else { return }
        switch registry.admit(context.channel) {
        case .admitted:
            registered = true
        case .admittedReplacing(let idle):
            registered = true
            noteLimitReached(replacing: true)
            idle.close(promise: nil)
        case .refused:
            refused = true
            noteLimitReached(replacing: false)
            let answer = Self.rawAnswer(status: "503 Service Unavailable", error: "too many connections; try again later")
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(answer))).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }

    private func noteLimitReached(replacing: Bool) {
        guard registry.shouldNoteLimitReached() else { return }
        logger.notice(
            replacing
                ? "connection limit reached; closing the connection idle for longest to admit a new one"
                : "connection limit reached and every connection busy; refusing new connections",
            metadata: ["max_connections": "\(registry.limit)"])
    }

    /// Arms or clears the request deadline and tells the registry whether the connection is idle.
    private func update(context: ChannelHandlerContext, wasIdle: Bool) {
        if activity.isReadingRequest, deadlineTask == nil {
            let timeout = isQuiescing ? min(limits.requestTimeout, limits.shutdownGrace) : limits.requestTimeout
            scheduleDeadline(context: context, at: context.eventLoop.now + .init(timeout))
        } else if !activity.isReadingRequest {
            cancelDeadline()
        }
        if registered, wasIdle != activity.isIdle {
            registry.setIdle(context.channel, activity.isIdle)
        }
    }

    private func scheduleDeadline(context: ChannelHandlerContext, at deadline: NIODeadline) {
        self.deadline = deadline
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        deadlineTask = context.eventLoop.scheduleTask(deadline: deadline) {
            loopBound.value.handler.requestTimedOut(context: loopBound.value.context)
        }
    }

    private func cancelDeadline() {
        deadlineTask?.cancel()
        deadlineTask = nil
        deadline = nil
    }

    private func requestTimedOut(context: ChannelHandlerContext) {
        deadlineTask = nil
        deadline = nil
        guard activity.isReadingRequest, context.channel.isActive else { return }
        logger.info(
            "request did not arrive whole in time; closing the connection",
            metadata: ["timeout_seconds": "\((isQuiescing ? min(limits.requestTimeout, limits.shutdownGrace) : limits.requestTimeout).components.seconds)"])
        if activity.canAnswerRequestBeingRead {
            let answer = Self.rawAnswer(
                status: "408 Request Timeout", error: "the request did not arrive whole within the request timeout")
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(answer))).whenComplete { _ in
                channel.close(promise: nil)
            }
        } else {
            context.close(promise: nil)
        }
    }

    /// A whole HTTP/1.1 answer with a JSON error body, written below the HTTP encoder; the
    /// connection is closed after it.
    static func rawAnswer(status: String, error: String) -> ByteBuffer {
        let body = JSONResponse.errorBody(error)
        var buffer = ByteBuffer()
        buffer.writeString(
            "HTTP/1.1 \(status)\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n")
        buffer.writeBytes(body)
        return buffer
    }
}

@available(*, unavailable)
extension ConnectionGuardHandler: Sendable {}
