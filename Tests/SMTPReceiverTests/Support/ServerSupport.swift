import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import TestSupport

@testable import SMTPReceiver

/// A delegate that takes every recipient but `nobody@…`, and every message, and remembers them.
final class RecordingDelegate: SMTPReceiverDelegate {
    struct Message: Sendable, Equatable {
        var bytes: [UInt8]
        var envelope: SMTPEnvelopeInfo
        var session: SMTPSessionInfo
    }

    private let recorded = Mutex<(recipients: [String], messages: [Message])>(([], []))

    var recipients: [String] { recorded.withLock { $0.recipients } }
    var messages: [Message] { recorded.withLock { $0.messages } }

    func recipient(_ address: String, session: SMTPSessionInfo) async -> SMTPVerdict {
        recorded.withLock { $0.recipients.append(address) }
        return address.hasPrefix("nobody@") ? .noSuchUser() : .accept
    }

    func message(_ bytes: [UInt8], envelope: SMTPEnvelopeInfo, session: SMTPSessionInfo) async -> SMTPVerdict {
        recorded.withLock { $0.messages.append(Message(bytes: bytes, envelope: envelope, session: session)) }
        return .accept
    }
}

/// A configuration for 127.0.0.1 and a port the system picks, with short delays.
func loopbackConfiguration(tls: SMTPReceiverConfiguration.TLS? = nil) -> SMTPReceiverConfiguration {
    SMTPReceiverConfiguration(
        host: "127.0.0.1", port: 0, hostname: "mx.test",
        badCommandDelay: .milliseconds(1), maximumBadCommandDelay: .milliseconds(5),
        shutdownGracePeriod: .seconds(10), tls: tls
    )
}

/// Runs `server` in a `ServiceGroup` for `body`, then shuts the group down gracefully and waits
/// for it, whether `body` returned or threw.
func withRunning<T: Sendable>(
    _ server: SMTPReceiverServer,
    _ body: (_ port: Int, _ group: ServiceGroup) async throws -> T
) async throws -> T {
    let group = ServiceGroup(services: [server], logger: testLogger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(try await server.boundPort, group))
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// What `smtp_client.py` reported.
struct ClientReport: Decodable {
    var ehlo: [Reply]
    var extensions: [String]
    var starttls: [Reply]?
    var cipher: String?
    var extensions_tls: [String]?
    var mail: [Reply]
    var rcpt: [[Reply]]
    var data: [Reply]
    var quit: [Reply]

    /// A reply code or text, as the JSON has them side by side.
    enum Reply: Decodable, Equatable {
        case code(Int)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let code = try? container.decode(Int.self) {
                self = .code(code)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    static func code(_ reply: [Reply]) -> Int? {
        if case .code(let code) = reply.first { return code }
        return nil
    }
}

/// Sends `message` with Python's smtplib to 127.0.0.1:`port`.
func sendWithSMTPLib(
    port: Int, message: [UInt8], sender: String, recipients: [String],
    mailOptions: [String] = [], startTLS cafile: String? = nil
) async throws -> ClientReport {
    try await withTemporaryDirectory { folder in
        let file = folder.appendingPathComponent("message.eml")
        try Data(message).write(to: file)
        var arguments = ["--port", String(port), "--sender", sender, "--message-file", file.path]
        arguments += recipients.flatMap { ["--recipient", $0] }
        arguments += mailOptions.flatMap { ["--mail-option", $0] }
        if let cafile {
            arguments += ["--starttls", "--cafile", cafile]
        }
        let output = try await PythonScript.run("smtp_client.py", arguments)
        return try JSONDecoder().decode(ClientReport.self, from: output)
    }
}

/// A raw TCP client on 127.0.0.1, for conversations a library client will not have: it writes
/// what the test says and collects what the server sends.
final class RawClient: Sendable {
    private let channel: any Channel
    private let received: Collector

    private init(channel: any Channel, received: Collector) {
        self.channel = channel
        self.received = received
    }

    static func connect(port: Int) async throws -> RawClient {
        let received = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(received)
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawClient(channel: channel, received: received)
    }

    var text: String { received.text }
    var isClosed: Bool { received.closed }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// Waits until the server has sent `substring`.
    func waitFor(_ substring: String) async throws {
        try await eventually(timeout: .seconds(20), "\"\(substring)\" from the server (got \"\(text)\")") { text.contains(substring) }
    }

    func waitForClose() async throws {
        try await eventually(timeout: .seconds(20), "the server to close the connection") { isClosed }
    }

    func close() async {
        try? await channel.close()
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        private let state = Mutex<(text: String, closed: Bool)>(("", false))

        var text: String { state.withLock { $0.text } }
        var closed: Bool { state.withLock { $0.closed } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let string = String(buffer: unwrapInboundIn(data))
            state.withLock { $0.text += string }
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLock { $0.closed = true }
            context.fireChannelInactive()
        }
    }
}
