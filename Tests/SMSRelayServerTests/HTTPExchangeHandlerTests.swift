import Foundation
import Hummingbird
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import Testing

@testable import SMSRelayServer

/// The handler after the HTTP codec, on an embedded channel.
@Suite("HTTP exchange handler")
struct HTTPExchangeHandlerTests {
    /// Records the events the exchange handler sends towards the front of the pipeline.
    final class EventRecorder: ChannelOutboundHandler {
        typealias OutboundIn = Any
        var events: [HTTPExchangeEvent] = []

        func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
            if let event = event as? HTTPExchangeEvent { events.append(event) }
            promise?.succeed(())
        }
    }

    static func channel() throws -> (EmbeddedChannel, EventRecorder) {
        let recorder = EventRecorder()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([recorder, HTTPExchangeHandler()])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        return (channel, recorder)
    }

    static func parts(_ channel: EmbeddedChannel) throws -> [HTTPResponsePart] {
        var parts: [HTTPResponsePart] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) { parts.append(part) }
        return parts
    }

    @Test("Hummingbird's bare 400 for a parser error becomes a JSON answer with a telling status",
        arguments: [
            (HTTPParserError.invalidMethod, HTTPResponse.Status.notImplemented),
            (.headerOverflow, .requestHeaderFieldsTooLarge),
            (.unexpectedContentLength, .badRequest),
            (.invalidContentLength, .badRequest),
            (.unknown, .badRequest),
        ])
    func parserError(error: HTTPParserError, status: HTTPResponse.Status) throws {
        let (channel, _) = try Self.channel()
        channel.pipeline.fireErrorCaught(error)
        try channel.writeOutbound(
            HTTPResponsePart.head(HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        let parts = try Self.parts(channel)
        guard parts.count == 3, case .head(let head) = parts[0], case .body(let body) = parts[1], case .end = parts[2] else {
            Issue.record("unexpected parts \(parts)")
            return
        }
        #expect(head.status == status)
        #expect(head.headerFields[.contentType] == "application/json; charset=utf-8")
        #expect(head.headerFields[.contentLength] == String(body.readableBytes))
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        #expect((object?["error"] as? String)?.isEmpty == false)
    }

    @Test("an answer of the application's own is left as it is")
    func ownAnswer() throws {
        let (channel, _) = try Self.channel()
        channel.pipeline.fireErrorCaught(HTTPParserError.invalidChunkSize)
        let head = HTTPResponse(status: .badRequest, headerFields: [.contentType: "application/json", .contentLength: "2"])
        try channel.writeOutbound(HTTPResponsePart.head(head))
        try channel.writeOutbound(HTTPResponsePart.body(ByteBuffer(string: "{}")))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(try Self.parts(channel) == [.head(head), .body(ByteBuffer(string: "{}")), .end(nil)])
    }

    @Test("each request and response head and end is reported")
    func events() throws {
        let (channel, recorder) = try Self.channel()
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .get, scheme: nil, authority: "relay", path: "/healthz")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(recorder.events == [.requestHead, .requestEnd, .responseHead(closing: false), .responseEnd])
    }

    @Test("the answer to CONNECT says Connection: close and the connection closes after it")
    func connect() throws {
        let (channel, recorder) = try Self.channel()
        try channel.writeInbound(
            HTTPRequestPart.head(HTTPRequest(method: .connect, scheme: nil, authority: "relay", path: "/flowroute/t")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .methodNotAllowed, headerFields: [.allow: "POST"])))
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(!channel.isActive)
        guard case .head(let head) = try Self.parts(channel).first else {
            Issue.record("no head")
            return
        }
        #expect(head.headerFields[.connection] == "close")
        #expect(recorder.events.contains(.responseHead(closing: true)))
    }
}
