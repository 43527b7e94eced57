import NIOCore
import NIOPosix
import NIOSSL

/// One TCP connection to the mail server, with its optional TLS layer: moves command bytes out and
/// reply lines in, each bounded by a time limit. It has no idea of the conversation; see
/// ``SMTPSession`` for that.
final class SMTPConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBoundBox<SMTPLineHandler>
    /// `host:port`, for messages.
    let server: String
    private let hostname: String
    /// How the settings are named in the errors of the connection.
    let names: SMTPConfiguration.SettingNames

    /// The most the client writes at once while sending a message; each write has the data-block time limit.
    static let dataBlockSize = 64 * 1024

    /// Wraps a channel whose pipeline ends with `handler`; ``connect(host:port:implicitTLS:timeout:group:)``
    /// makes both (tests use an `NIOAsyncTestingChannel`).
    init(
        channel: any Channel, handler: NIOLoopBoundBox<SMTPLineHandler>, hostname: String, port: Int,
        names: SMTPConfiguration.SettingNames = .descriptive
    ) {
        self.names = names
        self.channel = channel
        self.handler = handler
        self.hostname = hostname
        self.server = Self.serverName(host: hostname, port: port)
    }

    /// `host:port`, with an IPv6 address in brackets.
    static func serverName(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Opens a connection; with `implicitTLS`, TLS starts at once (`smtps://`).
    static func connect(
        host: String,
        port: Int,
        implicitTLS: NIOSSLContext?,
        timeout: Duration,
        group: any EventLoopGroup,
        names: SMTPConfiguration.SettingNames
    ) async throws -> SMTPConnection {
        let server = serverName(host: host, port: port)
        let sniName = Self.sniName(host)
        // The handler is made here, bound to the loop the channel will use, so that it can be
        // reached even if the channel closes (a failed TLS handshake) before `connect` returns.
        let eventLoop = group.next()
        let handler = NIOLoopBoundBox.makeBoxSendingValue(SMTPLineHandler(eventLoop: eventLoop, server: server), eventLoop: eventLoop)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(timeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        let tls = try NIOSSLClientHandler(context: implicitTLS, serverHostname: sniName)
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler.value)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            throw SMTPError.channel(error, server: server, names: names, connecting: true)
        }
        return SMTPConnection(channel: channel, handler: handler, hostname: host, port: port, names: names)
    }

    /// Writes `bytes` and waits until they are handed to the network, at most `timeout`.
    func write(_ bytes: [UInt8], timeout: Duration, step: SMTPTimeouts.Step) async throws {
        let channel = self.channel
        let eventLoop = channel.eventLoop
        let buffer = channel.allocator.buffer(bytes: bytes)
        let promise = eventLoop.makePromise(of: Void.self)
        let server = self.server
        let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            promise.fail(SMTPError(.timeout, "the SMTP server \(server) did not take our data in time (waiting for \(step))", isTransient: true))
            channel.close(promise: nil)
        }
        channel.writeAndFlush(buffer).cascade(to: promise)
        do {
            try await promise.futureResult.get()
            timer.cancel()
        } catch {
            timer.cancel()
            throw await classify(error)
        }
    }

    /// Writes the message after `354`, block by block.
    func writeMessage(_ bytes: [UInt8], timeout: Duration) async throws {
        var start = 0
        while start < bytes.count {
            let end = min(start + Self.dataBlockSize, bytes.count)
            try await write(Array(bytes[start..<end]), timeout: timeout, step: .dataBlock)
            start = end
        }
    }

    /// Reads one complete reply, multi-line or not, within `timeout`.
    func readReply(timeout: Duration, step: SMTPTimeouts.Step) async throws -> SMTPReply {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        var parser = SMTPReplyParser()
        while true {
            let handler = self.handler
            let line: String
            do {
                line = try await channel.eventLoop.flatSubmit {
                    handler.value.nextLine(deadline: deadline, step: step)
                }.get()
            } catch {
                throw await classify(error)
            }
            if let reply = try parser.feed(line) {
                return reply
            }
        }
    }

    /// Puts TLS on the connection after the server's `220` to STARTTLS.
    ///
    /// Writes made while the handshake runs are held by the TLS layer until it completes, and a
    /// failed handshake fails the next read.
    ///
    /// - Returns: whether the server had sent anything after that `220` that was still unread when
    ///   TLS went on: plain text an attacker could have slipped in (RFC 3207 §6). Checked in the
    ///   same turn of the event loop that adds TLS, so nothing can arrive in between; the state
    ///   machine decides what to do about it (see ``SMTPClientStateMachine/tlsEstablished(unreadPlaintext:)``).
    func startTLS(context: NIOSSLContext) async throws -> Bool {
        let handler = self.handler
        let channel = self.channel
        let sniName = Self.sniName(hostname)
        do {
            return try await channel.eventLoop.submit {
                let unreadPlaintext = handler.value.hasUnreadInput
                let tls = try NIOSSLClientHandler(context: context, serverHostname: sniName)
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
                return unreadPlaintext
            }.get()
        } catch {
            channel.close(promise: nil)
            throw SMTPError.channel(error, server: server, names: names)
        }
    }

    /// Whether the connection can carry another message: still open, and the server has not
    /// spoken out of turn (an idle server that sends something is about to close).
    func isReusable() async -> Bool {
        let handler = self.handler
        guard channel.isActive else { return false }
        return (try? await channel.eventLoop.submit { !handler.value.hasUnreadInput }.get()) ?? false
    }

    func close() async {
        try? await channel.close()
    }

    /// The most telling error: what the handler saw end the channel (a TLS failure, say) rather
    /// than the bare "channel closed" a write then gets.
    private func classify(_ error: any Error) async -> SMTPError {
        let handler = self.handler
        let recorded = try? await channel.eventLoop.submit { handler.value.channelFailure }.get()
        if let recorded = recorded ?? nil, !(error is SMTPError) || (error as? SMTPError)?.code == .connectionClosed {
            return SMTPError.channel(recorded, server: server, names: names)
        }
        return SMTPError.channel(error, server: server, names: names)
    }

    /// SNI carries host names only; for an IP address NIOSSL checks the certificate against the address.
    private static func sniName(_ host: String) -> String? {
        let isIPv4 = host.split(separator: ".", omittingEmptySubsequences: false).count == 4
            && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
        return isIPv4 || host.contains(":") ? nil : host
    }
}
