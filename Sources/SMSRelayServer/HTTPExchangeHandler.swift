import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Sits after the HTTP codec, where requests and responses are decoded parts.
///
/// - Reports each request and response head and end to ``ConnectionGuardHandler`` (before the
///   codec) as ``HTTPExchangeEvent``s, which time requests and tell idle connections from busy ones.
/// - Gives the answer Hummingbird writes to a request the HTTP parser refused (a bare
///   `400` with no body) the JSON error body every other answer has, and a status that says
///   more where there is one: `501` for an unknown method, `431` for an oversized request line or
///   header section.
/// - Closes the connection after answering a `CONNECT` request: NIO writes a response to
///   `CONNECT` without a body or framing headers, so only the close can end it.
final class HTTPExchangeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The methods of the requests not answered yet, oldest first.
    private var pendingMethods: [HTTPRequest.Method] = []
    /// The error of the HTTP parser, until the answer to it is written.
    private var parserError: HTTPParserError?
    /// The JSON body to put into the answer being written.
    private var replacementBody: ByteBuffer?
    private var closeAfterResponse = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            pendingMethods.append(request.method)
            context.triggerUserOutboundEvent(HTTPExchangeEvent.requestHead, promise: nil)
        case .body:
            break
        case .end:
            context.triggerUserOutboundEvent(HTTPExchangeEvent.requestEnd, promise: nil)
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError {
            parserError = error
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response):
            if let error = parserError, response.status == .badRequest, response.headerFields[.contentLength] == "0" {
                // Hummingbird's answer to a request the parser refused: it answers no request head.
                parserError = nil
                let answer = error.answer
                let body = ByteBuffer(bytes: JSONResponse.errorBody(answer.reason))
                response.status = answer.status
                response.headerFields[.contentType] = "application/json; charset=utf-8"
                response.headerFields[.contentLength] = String(body.readableBytes)
                response.headerFields[.connection] = "close"
                replacementBody = body
            } else if !pendingMethods.isEmpty, pendingMethods.removeFirst() == .connect {
                response.headerFields[.connection] = "close"
                closeAfterResponse = true
            }
            let closing = response.headerFields[.connection]?.lowercased() == "close"
            context.triggerUserOutboundEvent(HTTPExchangeEvent.responseHead(closing: closing), promise: nil)
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            if let body = replacementBody {
                replacementBody = nil
                context.write(wrapOutboundOut(.body(body)), promise: nil)
            }
            if closeAfterResponse {
                closeAfterResponse = false
                let written = promise ?? context.eventLoop.makePromise()
                let channel = context.channel
                written.futureResult.whenComplete { _ in channel.close(promise: nil) }
                context.writeAndFlush(data, promise: written)
            } else {
                context.write(data, promise: promise)
            }
            context.triggerUserOutboundEvent(HTTPExchangeEvent.responseEnd, promise: nil)
        }
    }
}

@available(*, unavailable)
extension HTTPExchangeHandler: Sendable {}

extension HTTPParserError {
    /// The status and the words of the answer to a request refused for this error.
    var answer: (status: HTTPResponse.Status, reason: String) {
        switch self {
        case .invalidMethod:
            return (.notImplemented, "unknown request method; carriers POST their callbacks")
        case .headerOverflow:
            return (.requestHeaderFieldsTooLarge, "request line or header section too large")
        case .invalidContentLength:
            return (.badRequest, "invalid Content-Length header")
        case .unexpectedContentLength:
            return (.badRequest, "Content-Length repeated or sent together with Transfer-Encoding")
        case .invalidChunkSize:
            return (.badRequest, "malformed chunked body")
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment, .invalidHost, .invalidPort:
            return (.badRequest, "malformed request target")
        case .invalidVersion:
            return (.badRequest, "unsupported HTTP version; send HTTP/1.1")
        case .invalidHeaderToken:
            return (.badRequest, "malformed header field")
        case .unknown:
            // What llhttp reports as an invalid Transfer-Encoding, which NIO does not name.
            return (
                .badRequest,
                "malformed HTTP request: Transfer-Encoding with Content-Length, a Transfer-Encoding other than chunked, or bad line endings"
            )
        default:
            return (.badRequest, "malformed HTTP request")
        }
    }
}
