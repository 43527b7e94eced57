import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import SMSRelayServer

/// The handler before the HTTP codec, on an embedded channel whose clock the tests move.
@Suite("Connection guard: request deadline and connection limit")
struct ConnectionGuardHandlerTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func connection(
        _ registry: ConnectionRegistry, limits: HTTPEdgeLimits = HTTPEdgeLimits(requestTimeout: .seconds(10)),
        loop: EmbeddedEventLoop = EmbeddedEventLoop()
    ) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(
            handler: ConnectionGuardHandler(limits: limits, registry: registry, logger: logger), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        return channel
    }

    /// Everything written to the socket so far, as text.
    static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let data = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = data { text += String(buffer: buffer) }
        }
        return text
    }

    @Test("a request not whole after the timeout from its first byte is answered 408 and closed")
    func deadline() throws {
        let channel = try Self.connection(ConnectionRegistry(limit: 8))
        try channel.writeInbound(ByteBuffer(string: "POST /flowroute/x HTTP/1.1\r\nHo"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        try channel.writeInbound(ByteBuffer(string: "st: relay\r\n"))  // more bytes do not extend it
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(4999))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        let answer = try Self.written(channel)
        #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(answer.contains("\r\nConnection: close\r\n"))
        #expect(answer.hasSuffix(#"{"error":"the request did not arrive whole within the request timeout"}"#))
    }

    @Test("a request read whole stops the clock; an idle connection is left to the idle timeout")
    func requestEndStopsTheClock() throws {
        let channel = try Self.connection(ConnectionRegistry(limit: 8))
        try channel.writeInbound(ByteBuffer(string: "GET /healthz HTTP/1.1\r\n\r\n"))
        channel.pipeline.triggerUserOutboundEvent(HTTPExchangeEvent.requestHead, promise: nil)
        channel.pipeline.triggerUserOutboundEvent(HTTPExchangeEvent.requestEnd, promise: nil)
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        #expect(try Self.written(channel).isEmpty)
    }

    @Test("a request whose answer has begun is closed at the deadline without a 408")
    func noSecondAnswer() throws {
        let channel = try Self.connection(ConnectionRegistry(limit: 8))
        try channel.writeInbound(ByteBuffer(string: "POST /flowroute/wrong HTTP/1.1\r\nContent-Length: 9\r\n\r\n{"))
        channel.pipeline.triggerUserOutboundEvent(HTTPExchangeEvent.requestHead, promise: nil)
        channel.pipeline.triggerUserOutboundEvent(HTTPExchangeEvent.responseHead(closing: false), promise: nil)
        channel.pipeline.triggerUserOutboundEvent(HTTPExchangeEvent.responseEnd, promise: nil)
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(!channel.isActive)
        #expect(try Self.written(channel).isEmpty)
    }

    @Test("once shutdown begins, a request still arriving gets the shutdown grace, not its whole timeout")
    func shutdownGrace() throws {
        let limits = HTTPEdgeLimits(requestTimeout: .seconds(120), shutdownGrace: .seconds(5))
        let channel = try Self.connection(ConnectionRegistry(limit: 8), limits: limits)
        try channel.writeInbound(ByteBuffer(string: "POST /flowroute/x HTTP/1.1\r\n"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(4999))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
    }

    @Test("past the limit a new connection replaces the one idle for longest")
    func replacesIdle() throws {
        let registry = ConnectionRegistry(limit: 2)
        let loop = EmbeddedEventLoop()
        let oldest = try Self.connection(registry, loop: loop)
        loop.advanceTime(by: .seconds(1))
        let newer = try Self.connection(registry, loop: loop)
        let third = try Self.connection(registry, loop: loop)
        #expect(!oldest.isActive)
        #expect(newer.isActive && third.isActive)
        #expect(try Self.written(third).isEmpty)
        #expect(registry.count == 2)
    }

    @Test("past the limit with every connection busy, a new one is answered 503 and closed")
    func refusesWhenBusy() throws {
        let registry = ConnectionRegistry(limit: 1)
        let busy = try Self.connection(registry)
        try busy.writeInbound(ByteBuffer(string: "POST /flowroute/x HTTP/1.1\r\n"))
        let refused = try Self.connection(registry)
        #expect(!refused.isActive)
        let answer = try Self.written(refused)
        #expect(answer.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(answer.hasSuffix(#"{"error":"too many connections; try again later"}"#))
        #expect(busy.isActive)
        _ = try busy.close().wait()
        #expect(registry.count == 0, "a closed connection gives its place back")
    }
}

@Suite("Connection activity")
struct ConnectionActivityTests {
    @Test("bytes begin a request, its end leaves it unanswered, the response's end makes the connection idle")
    func exchange() {
        var activity = ConnectionActivity()
        #expect(activity.isIdle)
        activity.bytesArrived()
        #expect(activity.isReadingRequest && !activity.isIdle && activity.canAnswerRequestBeingRead)
        activity.handle(.requestHead)
        #expect(activity.canAnswerRequestBeingRead)
        activity.handle(.requestEnd)
        #expect(!activity.isReadingRequest && !activity.isIdle)
        activity.handle(.responseHead(closing: false))
        activity.handle(.responseEnd)
        #expect(activity.isIdle)
    }

    @Test("no 408 for a request answered early, after a pipelined one, or once the connection is closing")
    func noAnswer() {
        var early = ConnectionActivity()
        early.bytesArrived()
        early.handle(.requestHead)
        early.handle(.responseHead(closing: false))
        early.handle(.responseEnd)
        #expect(early.isReadingRequest && !early.canAnswerRequestBeingRead)

        var pipelined = ConnectionActivity()
        pipelined.bytesArrived()
        pipelined.handle(.requestHead)
        pipelined.handle(.requestEnd)
        pipelined.handle(.requestHead)
        #expect(pipelined.isReadingRequest && !pipelined.canAnswerRequestBeingRead)

        var closing = ConnectionActivity()
        closing.handle(.responseHead(closing: true))
        closing.handle(.responseEnd)
        closing.bytesArrived()
        #expect(!closing.canAnswerRequestBeingRead)
    }
}
