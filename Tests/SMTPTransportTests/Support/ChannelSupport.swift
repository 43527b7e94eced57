import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
import Synchronization
import TestSupport

@testable import SMTPTransport

// MARK: - The line handler on an EmbeddedChannel

/// An ``SMTPLineHandler`` at the end of a connected `EmbeddedChannel`, for tests that run on one
/// thread: the test plays the server with ``serverSends(_:)`` and reads with ``nextLine(within:step:)``.
struct LineHandlerHarness {
    let channel = EmbeddedChannel()
    let handler: SMTPLineHandler

    var loop: EmbeddedEventLoop { channel.embeddedEventLoop }

    init() throws {
        handler = SMTPLineHandler(eventLoop: channel.eventLoop, server: "smtp.test:25")
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "192.0.2.1", port: 25)).wait()
    }

    /// The server's bytes arrive in one read.
    func serverSends(_ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    func serverSends(_ bytes: [UInt8]) throws {
        try channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// Asks for the next line, with a deadline `within` from the loop's (fake) now.
    func nextLine(within: TimeAmount = .seconds(30), step: SMTPTimeouts.Step = .command) -> Outcome<String> {
        Outcome(handler.nextLine(deadline: loop.now + within, step: step))
    }
}

/// What a future of an `EmbeddedEventLoop` holds: `nil` while it is pending. Everything happens on
/// the test's thread, so the result needs no lock.
final class Outcome<Value>: @unchecked Sendable {
    private var result: Result<Value, any Error>?

    init(_ future: EventLoopFuture<Value>) {
        future.whenComplete { self.result = $0 }
    }

    var isPending: Bool { result == nil }

    var value: Value? {
        if case .success(let value) = result { return value }
        return nil
    }

    var error: (any Error)? {
        if case .failure(let error) = result { return error }
        return nil
    }

    var smtpError: SMTPError? { error as? SMTPError }
}

// MARK: - A connection over an NIOAsyncTestingChannel

/// An ``SMTPConnection`` to `smtp.test:25` over an `NIOAsyncTestingChannel`, for async tests: the
/// test plays the server with ``NIOAsyncTestingChannel/serverSays(_:)`` and
/// ``NIOAsyncTestingChannel/clientWrote()``.
func testingConnection() async throws -> (NIOAsyncTestingChannel, SMTPConnection) {
    let channel = NIOAsyncTestingChannel()
    let handler = NIOLoopBoundBox.makeBoxSendingValue(
        SMTPLineHandler(eventLoop: channel.eventLoop, server: "smtp.test:25"),
        eventLoop: channel.eventLoop
    )
    try await channel.eventLoop.submit {
        try channel.pipeline.syncOperations.addHandler(handler.value)
    }.get()
    try await channel.connect(to: SocketAddress(ipAddress: "192.0.2.1", port: 25))
    return (channel, SMTPConnection(channel: channel, handler: handler, hostname: "smtp.test", port: 25))
}

extension NIOAsyncTestingChannel {
    /// The server's bytes arrive in one read.
    func serverSays(_ text: String) async throws {
        try await writeInbound(ByteBuffer(string: text))
    }

    /// The client's next write, as text.
    func clientWrote() async throws -> String {
        String(buffer: try await waitForOutboundWrite(as: ByteBuffer.self))
    }

    /// The server ends the connection.
    func serverCloses() async throws {
        try await eventLoop.submit { self.pipeline.fireChannelInactive() }.get()
    }
}

/// A logger that says nothing unless `SMTP_TEST_TRACE` is set.
var testLogger: Logger {
    var logger = Logger(label: "smsrelay.smtp.test")
    logger.logLevel = ProcessInfo.processInfo.environment["SMTP_TEST_TRACE"] == nil ? .critical : .trace
    return logger
}

// MARK: - A scripted server on a real socket

/// An SMTP server on 127.0.0.1 that follows a script, for conversations aiosmtpd will not have: a
/// server that misbehaves. It greets, then answers each line the client sends with what `answer`
/// returns for it, written as it is in one go (so a reply can carry extra bytes), or with nothing.
final class ScriptedSMTPServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let record: Record

    /// Everything clients sent, in order.
    var received: [UInt8] { record.bytes }

    private init(port: Int, channel: any Channel, record: Record) {
        self.port = port
        self.channel = channel
        self.record = record
    }

    static func with<T>(
        greeting: String = "220 scripted.test ESMTP\r\n",
        answer: @escaping @Sendable (String) -> String?,
        _ body: (ScriptedSMTPServer) async throws -> T
    ) async throws -> T {
        let record = Record()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Script(greeting: greeting, answer: answer, record: record))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw TestFailure("the scripted SMTP server has no port")
        }
        return try await using(ScriptedSMTPServer(port: port, channel: channel, record: record), stop: { try? await $0.channel.close() }, body)
    }

    private final class Record: Sendable {
        private let received = Mutex<[UInt8]>([])

        var bytes: [UInt8] { received.withLock { $0 } }

        func append(_ bytes: some Sequence<UInt8>) {
            received.withLock { $0.append(contentsOf: bytes) }
        }
    }

    private final class Script: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let greeting: String
        private let answer: @Sendable (String) -> String?
        private let record: Record
        private var pending: [UInt8] = []

        init(greeting: String, answer: @escaping @Sendable (String) -> String?, record: Record) {
            self.greeting = greeting
            self.answer = answer
            self.record = record
        }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: greeting)), promise: nil)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data).readableBytesView
            record.append(bytes)
            pending.append(contentsOf: bytes)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = pending[..<newline]
                if line.last == UInt8(ascii: "\r") {
                    line = line.dropLast()
                }
                let text = String(decoding: line, as: UTF8.self)
                pending.removeSubrange(...newline)
                if let reply = answer(text) {
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
                }
            }
        }
    }
}
