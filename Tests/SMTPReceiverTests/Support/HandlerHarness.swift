import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOSSL

@testable import SMTPReceiver

/// A logger that says nothing unless `SMTP_TEST_TRACE` is set.
var testLogger: Logger {
    var logger = Logger(label: "smsrelay.smtp-receiver.test")
    logger.logLevel = ProcessInfo.processInfo.environment["SMTP_TEST_TRACE"] == nil ? .critical : .trace
    return logger
}

/// The questions a handler sent to the delegate. Everything runs on the test's one thread.
final class AskedQuestions: @unchecked Sendable {
    var all: [SMTPDelegateQuestion] = []
}

/// An ``SMTPServerHandler`` on a connected `EmbeddedChannel`: the test plays the client with
/// ``clientSends(_:)``, reads what the server wrote with ``serverWrote()`` and answers the
/// delegate's questions itself.
struct HandlerHarness {
    let channel = EmbeddedChannel()
    let questions = AskedQuestions()

    var loop: EmbeddedEventLoop { channel.embeddedEventLoop }

    init(
        settings: SMTPServerStateMachine.Settings = .test(offersTLS: false),
        admission: SMTPServerStateMachine.Admission = .accepted,
        timeouts: SMTPServerHandler.Timeouts = .init(command: .seconds(300), data: .seconds(300)),
        tls: NIOSSLContext? = nil
    ) throws {
        let questions = self.questions
        var tlsContext: (@Sendable () -> NIOSSLContext)?
        if let tls {
            tlsContext = { tls }
        }
        let handler = SMTPServerHandler(
            settings: settings, clientAddress: "192.0.2.9", admission: admission, timeouts: timeouts,
            tlsContext: tlsContext, logger: testLogger
        ) { questions.all.append($0) }
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "192.0.2.9", port: 40000)).wait()
    }

    func clientSends(_ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    /// Each write the server made since the last call, as text.
    func serverWrites() throws -> [String] {
        var writes: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            writes.append(String(buffer: buffer))
        }
        return writes
    }

    /// Everything the server wrote since the last call.
    func serverWrote() throws -> String {
        try serverWrites().joined()
    }

    /// Answers the oldest open question and lets the loop carry the answer back.
    func answer(_ verdict: SMTPVerdict) {
        let question = questions.all.removeFirst()
        question.answer(verdict)
        loop.run()
    }
}
