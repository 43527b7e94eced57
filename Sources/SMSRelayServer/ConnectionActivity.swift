/// What one HTTP/1 connection is doing, as far as its limits care: reading a request, answering
/// one, or idle between requests. ``ConnectionGuardHandler`` keeps it; the decoded request and
/// response parts are reported to it as ``HTTPExchangeEvent``s.
struct ConnectionActivity: Equatable {
    /// A request has begun to arrive and has not arrived whole.
    private(set) var isReadingRequest = false
    /// The head of the request being read has been decoded.
    private(set) var isHeadDecoded = false
    /// Requests whose head arrived and whose response has not been written to the end.
    private(set) var unansweredRequests = 0
    /// A response has begun and has not ended.
    private(set) var isWritingResponse = false
    /// A response said `Connection: close`: nothing more will be answered on this connection.
    private(set) var isClosing = false

    /// Neither reading a request nor answering one: the connection may be closed without losing anything.
    var isIdle: Bool { !isReadingRequest && unansweredRequests == 0 && !isWritingResponse }

    /// Whether the server may still answer the request being read (with a 408): nothing else is
    /// being written and every earlier request has had its answer.
    var canAnswerRequestBeingRead: Bool {
        isReadingRequest && !isClosing && !isWritingResponse && unansweredRequests == (isHeadDecoded ? 1 : 0)
    }

    /// Bytes arrived from the client; unless a request is already arriving, they begin one.
    mutating func bytesArrived() {
        if !isReadingRequest {
            isReadingRequest = true
            isHeadDecoded = false
        }
    }

    mutating func handle(_ event: HTTPExchangeEvent) {
        switch event {
        case .requestHead:
            // A pipelined request decoded from the same bytes as the end of the one before.
            isReadingRequest = true
            isHeadDecoded = true
            unansweredRequests += 1
        case .requestEnd:
            isReadingRequest = false
            isHeadDecoded = false
        case .responseHead(let closing):
            isWritingResponse = true
            if closing { isClosing = true }
        case .responseEnd:
            isWritingResponse = false
            unansweredRequests = max(0, unansweredRequests - 1)
        }
    }
}

/// A decoded request or response part, reported by ``HTTPExchangeHandler`` (after the HTTP codec)
/// to ``ConnectionGuardHandler`` (before it) as a user outbound event.
enum HTTPExchangeEvent: Sendable, Equatable {
    case requestHead
    case requestEnd
    /// `closing`: the response says `Connection: close`.
    case responseHead(closing: Bool)
    case responseEnd
}
