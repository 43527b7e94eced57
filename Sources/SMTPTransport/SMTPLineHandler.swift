import NIOCore

/// The last handler of an SMTP channel: frames the bytes the server sends into lines and hands
/// them, one at a time, to whoever asked with ``nextLine(deadline:step:)``.
///
/// It knows nothing of SMTP beyond line endings. It remembers the first error of the channel (a
/// TLS failure, a reset, the end of the connection) and answers every later request with it. All
/// of its methods run on the channel's event loop.
final class SMTPLineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var framer = SMTPLineFramer()
    private var lines: CircularBuffer<String> = []
    private var failure: (any Error)?
    private var waiter: (promise: EventLoopPromise<String>, timeout: Scheduled<Void>)?
    private var context: ChannelHandlerContext?
    private let eventLoop: any EventLoop
    private let server: String

    /// - Parameters:
    ///   - eventLoop: the loop of the channel the handler will be added to.
    ///   - server: `host:port`, for messages.
    init(eventLoop: any EventLoop, server: String) {
        self.eventLoop = eventLoop
        self.server = server
    }

    /// Whether the server sent something nobody has read: on an idle connection that means it
    /// spoke out of turn (typically a 421 before closing), and the connection should not be reused;
    /// when TLS goes on after STARTTLS, it is plain text slipped in ahead of the handshake.
    var hasUnreadInput: Bool { !lines.isEmpty || framer.hasBufferedBytes }

    /// The error that ended the channel, if it ended.
    var channelFailure: (any Error)? { failure }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        fail(SMTPError(.connectionClosed, "the connection to the SMTP server \(server) was closed", isTransient: true))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        framer.append(buffer.readableBytesView)
        do {
            while let line = try framer.nextLine() {
                lines.append(line)
            }
        } catch {
            fail(error)
            context.close(promise: nil)
        }
        deliver()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPError(.connectionClosed, "the SMTP server \(server) closed the connection", isTransient: true))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    /// The next line from the server. Fails with the channel's error once it has one, or with a
    /// ``SMTPError/Code/timeout`` error (closing the channel) if no line arrives by `deadline`.
    func nextLine(deadline: NIODeadline, step: SMTPTimeouts.Step) -> EventLoopFuture<String> {
        if let line = lines.popFirst() {
            return eventLoop.makeSucceededFuture(line)
        }
        if let failure {
            return eventLoop.makeFailedFuture(failure)
        }
        guard context != nil else {
            return eventLoop.makeFailedFuture(SMTPError(.connectionClosed, "the connection to the SMTP server \(server) is not open", isTransient: true))
        }
        precondition(waiter == nil, "only one reader at a time")
        let promise = eventLoop.makePromise(of: String.self)
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        let timeout = eventLoop.scheduleTask(deadline: deadline) {
            loopBound.value.timedOut(step)
        }
        waiter = (promise, timeout)
        return promise.futureResult
    }

    private func timedOut(_ step: SMTPTimeouts.Step) {
        fail(SMTPError(.timeout, "the SMTP server \(server) did not answer in time (waiting for \(step))", isTransient: true))
        context?.close(promise: nil)
    }

    private func deliver() {
        guard let current = waiter, let line = lines.popFirst() else { return }
        waiter = nil
        current.timeout.cancel()
        current.promise.succeed(line)
    }

    private func fail(_ error: any Error) {
        if failure == nil {
            failure = error
        }
        guard let current = waiter, lines.isEmpty else {
            deliver()
            return
        }
        waiter = nil
        current.timeout.cancel()
        current.promise.fail(failure!)
    }
}
