import AsyncHTTPClient

extension FlowrouteError {
    /// The error for a send that got no answer within `timeout`.
    static func timedOut(_ endpoint: String, after timeout: Duration) -> FlowrouteError {
        FlowrouteError(
            .transient,
            "no answer from \(endpoint) within \(text(timeout)); the request was abandoned, and Flowroute may or may not "
                + "have taken the message; will retry later")
    }

    /// The error for a send whose task was cancelled.
    static func cancelled(_ endpoint: String, beforeSending: Bool) -> FlowrouteError {
        beforeSending
            ? FlowrouteError(.transient, "the send was cancelled while it waited for the rate limit; nothing was sent to \(endpoint)")
            : FlowrouteError(.transient, "the send to \(endpoint) was cancelled; Flowroute may or may not have taken the message")
    }

    /// The error for a failure to connect, send or read.
    static func transport(_ error: any Error, endpoint: String, timeout: Duration) -> FlowrouteError {
        if error is CancellationError { return .cancelled(endpoint, beforeSending: false) }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout:
                return .timedOut(endpoint, after: timeout)
            case .cancelled:
                return .cancelled(endpoint, beforeSending: false)
            case .remoteConnectionClosed:
                return FlowrouteError(
                    .transient,
                    "\(endpoint) closed the connection before it answered; Flowroute may or may not have taken the message; will retry later")
            default:
                break
            }
        }
        return FlowrouteError(.transient, "could not reach Flowroute at \(endpoint): \(error); will retry later")
    }

    /// `30 s`, `1.5 s`, `250 ms`.
    static func text(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        if seconds == 0 { return "\(milliseconds) ms" }
        if milliseconds == 0 { return "\(seconds) s" }
        return "\(Double(seconds) + Double(milliseconds) / 1000) s"
    }
}
