import Logging
import NIOCore
import NIOSSL

/// The one handler of an inbound SMTP connection: moves the client's bytes into an
/// ``SMTPServerStateMachine`` and carries out what it answers — writes, time limits, delays,
/// TLS, questions for the delegate, closing. It knows nothing of SMTP itself.
///
/// All of its methods run on the channel's event loop.
final class SMTPServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Fired down the pipeline by the server when it stops.
    struct Shutdown: Sendable {}

    struct Timeouts: Sendable {
        var command: Duration
        var data: Duration
    }

    private var machine: SMTPServerStateMachine
    private let admission: SMTPServerStateMachine.Admission
    private let timeouts: Timeouts
    private let tlsContext: (@Sendable () -> NIOSSLContext)?
    private let ask: @Sendable (SMTPDelegateQuestion) -> Void
    private var logger: Logger
    private var context: ChannelHandlerContext?
    private var idleTimer: Scheduled<Void>?
    private var delayTimer: Scheduled<Void>?
    private var lastWrite: EventLoopFuture<Void>?

    /// - Parameters:
    ///   - tlsContext: the current certificate, when STARTTLS is offered; it must be `nil` when
    ///     `settings.offersTLS` is false.
    ///   - ask: sends a question to the delegate; its answer comes back through the question.
    init(
        settings: SMTPServerStateMachine.Settings,
        clientAddress: String,
        admission: SMTPServerStateMachine.Admission,
        timeouts: Timeouts,
        tlsContext: (@Sendable () -> NIOSSLContext)?,
        logger: Logger,
        ask: @escaping @Sendable (SMTPDelegateQuestion) -> Void
    ) {
        precondition(settings.offersTLS == (tlsContext != nil), "STARTTLS is offered exactly when there is a certificate")
        self.machine = SMTPServerStateMachine(settings: settings, clientAddress: clientAddress)
        self.admission = admission
        self.timeouts = timeouts
        self.tlsContext = tlsContext
        self.ask = ask
        self.logger = logger
        self.logger[metadataKey: "client_address"] = "\(clientAddress)"
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive {
            perform(machine.start(admission))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimers()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(machine.start(admission))
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        perform(machine.receive(unwrapInboundIn(data).readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimers()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is Shutdown {
            perform(machine.shutdown())
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("SMTP connection failed", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: - Carrying out actions

    private func perform(_ actions: [SMTPServerStateMachine.Action]) {
        guard let context else { return }
        for action in actions {
            switch action {
            case .send(let replies):
                let bytes = replies.flatMap(\.bytes)
                lastWrite = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)))
            case .checkRecipient(let address, let session):
                question(.recipient(address, session))
            case .deliver(let bytes, let envelope, let session):
                logger.info("SMTP message received", metadata: [
                    "helo": "\(session.heloName)",
                    "mail_from": "\(envelope.sender)",
                    "recipient_count": "\(envelope.recipients.count)",
                    "size": "\(bytes.count)",
                    "tls": "\(session.isTLS)",
                ])
                question(.message(bytes, envelope, session))
            case .delay(let duration):
                let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
                delayTimer = context.eventLoop.scheduleTask(in: TimeAmount(duration)) {
                    handler.value.perform(handler.value.machine.delayElapsed())
                }
            case .startTLS:
                startTLS(context)
            case .close:
                let channel = context.channel
                if let lastWrite {
                    lastWrite.whenComplete { _ in channel.close(promise: nil) }
                } else {
                    channel.close(promise: nil)
                }
            }
        }
        armIdleTimer()
    }

    /// Sends a question to the delegate; the answer comes back on the loop as the machine's input.
    private func question(_ kind: SMTPDelegateQuestion.Kind) {
        guard let context else { return }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let isRecipient = if case .recipient = kind { true } else { false }
        ask(SMTPDelegateQuestion(kind: kind) { verdict in
            eventLoop.execute {
                let handler = handler.value
                handler.perform(isRecipient ? handler.machine.recipientChecked(verdict) : handler.machine.messageHandled(verdict))
            }
        })
    }

    /// The `220` is already handed to the channel; the TLS handler goes in front of everything, so
    /// the next bytes read are the client's handshake. The machine has dropped what came before.
    private func startTLS(_ context: ChannelHandlerContext) {
        guard let tlsContext else { return }
        do {
            try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext()), position: .first)
            perform(machine.tlsEstablished())
        } catch {
            logger.warning("SMTP STARTTLS could not start", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    // MARK: - Timers

    private func armIdleTimer() {
        idleTimer?.cancel()
        idleTimer = nil
        guard let context, let kind = machine.idleTimeout else { return }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let limit = kind == .data ? timeouts.data : timeouts.command
        idleTimer = context.eventLoop.scheduleTask(in: TimeAmount(limit)) {
            handler.value.logger.info("SMTP client timed out", metadata: ["waiting_for": "\(kind)"])
            handler.value.perform(handler.value.machine.timedOut())
        }
    }

    private func stopTimers() {
        idleTimer?.cancel()
        delayTimer?.cancel()
        idleTimer = nil
        delayTimer = nil
    }
}
