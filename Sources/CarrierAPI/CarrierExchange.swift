import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// One request to a carrier's API and its answer, all within a time limit; every failure a
/// ``TextSendError`` with the credentials taken out. The clients share it.
struct CarrierExchange: Sendable {
    /// How errors name the carrier: `Twilio`, `VoIP.ms`.
    let carrierName: String
    let httpClient: HTTPClient
    let timeout: Duration
    /// Text never to show: the credentials and the forms they take on the wire (Basic
    /// credentials, percent-encoded values, a whole query).
    let secrets: [String]

    /// The largest answer read; the carriers' are a few kilobytes at most.
    static let maximumResponseSize = 1 << 20

    /// An answer's status and body.
    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]

        var isSuccess: Bool { (200..<300).contains(status) }

        /// The body as a JSON object, if it is one.
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }

        /// The start of the body as text, for an error that quotes an answer it cannot read.
        var excerpt: String {
            let text = String(decoding: body.prefix(200), as: UTF8.self)
                .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            return body.count > 200 ? text + "…" : text
        }
    }

    /// POSTs `document` as JSON to `endpoint` with `authorization`, and reads the answer.
    func postJSON(_ document: [String: Any], to endpoint: String, authorization: String) async throws(TextSendError) -> Answer {
        let body: Data
        do {
            body = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw TextSendError(.permanent, "cannot encode the \(carrierName) message request: \(error)")
        }
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        return try await perform(request, endpoint: endpoint)
    }

    /// Each of `numbers` in E.164 with `+`, or a permanent error naming the first that is not one.
    func e164(_ numbers: [String]) throws(TextSendError) -> [String] {
        var formatted: [String] = []
        for number in numbers {
            guard let written = WireFormat.e164(number) else {
                throw TextSendError(.permanent, "the recipient \(number) is not an E.164 number; nothing was sent through \(carrierName)")
            }
            formatted.append(written)
        }
        return formatted
    }

    /// Sends `request` and reads the answer, all within ``timeout``.
    ///
    /// - Parameter endpoint: the address errors show; never one with a query.
    func perform(_ request: HTTPClientRequest, endpoint: String) async throws(TextSendError) -> Answer {
        if Task.isCancelled {
            throw redacted(Self.cancelled(carrierName, endpoint, beforeSending: true))
        }
        let timeout = timeout
        let httpClient = httpClient
        let carrierName = carrierName
        let outcome = await withTaskGroup(of: Result<Answer, TextSendError>?.self) { group in
            group.addTask {
                do {
                    let response = try await httpClient.execute(request, timeout: .init(timeout))
                    let body = try await response.body.collect(upTo: Self.maximumResponseSize)
                    try Task.checkCancellation()
                    return .success(Answer(status: Int(response.status.code), body: Array(buffer: body)))
                } catch {
                    return .failure(Self.transport(error, carrierName, endpoint, timeout: timeout))
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                } catch {
                    return nil
                }
                return .failure(Self.timedOut(carrierName, endpoint, after: timeout))
            }
            var outcome: Result<Answer, TextSendError>?
            while outcome == nil, let next = await group.next() {
                outcome = next
            }
            group.cancelAll()
            return outcome ?? .failure(Self.cancelled(carrierName, endpoint, beforeSending: false))
        }
        switch outcome {
        case .success(let answer): return answer
        case .failure(let error): throw redacted(error)
        }
    }

    /// `error` with every secret taken out of its text.
    func redacted(_ error: TextSendError) -> TextSendError {
        error.redacting(secrets)
    }

    /// What an answer comes to: the carrier's `refusal` of it, thrown, unless it is a success;
    /// then the message id `messageID` reads in it, or an empty one (the carrier took the text,
    /// and sending it again would send it twice, so a missing id is no error). Logged at debug
    /// level, a missing id as a warning.
    func sent(
        _ answer: Answer, logger: Logger, refusal: (Answer) -> TextSendError, messageID: (Answer) -> String?
    ) throws(TextSendError) -> SentText {
        guard answer.isSuccess else {
            let error = refusal(answer)
            logger.debug("\(carrierName) refused the text", metadata: ["status": "\(answer.status)", "code": "\(error.code ?? "none")"])
            throw error
        }
        guard let id = messageID(answer), !id.isEmpty else {
            logger.warning("\(carrierName) accepted the text but its answer had no message id", metadata: ["status": "\(answer.status)"])
            return SentText(messageID: "")
        }
        logger.debug("sent through \(carrierName)", metadata: ["message_id": "\(id)", "status": "\(answer.status)"])
        return SentText(messageID: id)
    }

    /// Whether an answer with `status` may be different later: a timeout (408), too early (425),
    /// the rate limit (429) and server errors (5xx). Any other refusal is permanent.
    static func kind(forStatus status: Int) -> TextSendError.Kind {
        status == 408 || status == 425 || status == 429 || status >= 500 ? .transient : .permanent
    }

    /// The error for an answer the client cannot read as the carrier's: permanent for a success
    /// status (the carrier did not say it took the text), as its status otherwise.
    func unreadable(_ answer: Answer, endpoint: String) -> TextSendError {
        let kind = answer.isSuccess ? TextSendError.Kind.permanent : Self.kind(forStatus: answer.status)
        return redacted(TextSendError(
            kind, status: answer.status,
            "\(endpoint) answered HTTP \(answer.status) with something that is not a \(carrierName) answer (\"\(answer.excerpt)\"); "
                + "check the \(carrierName) base URL\(kind == .transient ? "; will retry later" : "")"))
    }

    /// The error for a send that got no answer within `timeout`.
    static func timedOut(_ carrierName: String, _ endpoint: String, after timeout: Duration) -> TextSendError {
        TextSendError(
            .transient,
            "no answer from \(endpoint) within \(text(timeout)); the request was abandoned, and \(carrierName) may or may not "
                + "have taken the text; will retry later")
    }

    /// The error for a send whose task was cancelled.
    static func cancelled(_ carrierName: String, _ endpoint: String, beforeSending: Bool) -> TextSendError {
        beforeSending
            ? TextSendError(.transient, "the send was cancelled before it started; nothing was sent to \(endpoint)")
            : TextSendError(.transient, "the send to \(endpoint) was cancelled; \(carrierName) may or may not have taken the text")
    }

    /// The error for a failure to connect, send or read.
    static func transport(_ error: any Error, _ carrierName: String, _ endpoint: String, timeout: Duration) -> TextSendError {
        if error is CancellationError { return cancelled(carrierName, endpoint, beforeSending: false) }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout:
                return timedOut(carrierName, endpoint, after: timeout)
            case .cancelled:
                return cancelled(carrierName, endpoint, beforeSending: false)
            case .remoteConnectionClosed:
                return TextSendError(
                    .transient,
                    "\(endpoint) closed the connection before it answered; \(carrierName) may or may not have taken the text; "
                        + "will retry later")
            default:
                break
            }
        }
        return TextSendError(.transient, "could not reach \(carrierName) at \(endpoint): \(error); will retry later")
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
