import NIOCore
import NIOEmbedded

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
