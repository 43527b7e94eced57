import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Sends SMS through Flowroute's Messaging API v2.1 (`POST /v2.1/messages`).
///
/// Flowroute lets an account start 5 sends a second and answers 429 past that; the client keeps
/// under ``maxPerSecond`` starts in any second across all its callers, a few milliseconds to
/// spare, so its callers can send at once. Each process keeps its own count: two relays on one
/// account share the account's rate. Every failure is a ``FlowrouteError`` that says whether a
/// retry can help; none contains the secret key.
public final class FlowrouteClient: Sendable {
    /// Where the API is; Flowroute's own unless a test points it elsewhere.
    public let baseURL: URL
    /// How long one send may take, waiting for a connection included, once the rate limit lets it start.
    public let timeout: Duration
    /// The most sends started in any one second.
    public let maxPerSecond: Int
    private let credentials: FlowrouteCredentials
    private let httpClient: HTTPClient
    private let logger: Logger
    private let limiter: SendRateLimiter<ContinuousClock>

    /// The largest answer read; Flowroute's are a few hundred bytes.
    static let maximumResponseSize = 1 << 20
    /// Added to the one-second window: starts leave here a second apart but may reach Flowroute
    /// closer together, and Flowroute counts what arrives.
    static let windowMargin = Duration.milliseconds(50)

    /// - Parameters:
    ///   - baseURL: the API's root, without `/v2.1`.
    ///   - httpClient: the client to send with; the shared one unless the caller manages its own.
    ///   - timeout: the limit of one send, as ``timeout``.
    ///   - maxPerSecond: the account's rate; Flowroute's default is 5.
    ///   - logger: the caller's logger. Failures are thrown, not logged: whoever sends logs them
    ///     once; the client adds debug lines only, never a credential or a message's text.
    public init(
        baseURL: URL = URL(string: "https://api.flowroute.com")!,
        credentials: FlowrouteCredentials,
        httpClient: HTTPClient = .shared,
        timeout: Duration = .seconds(30),
        maxPerSecond: Int = 5,
        logger: Logger
    ) {
        self.baseURL = baseURL
        self.credentials = credentials
        self.httpClient = httpClient
        self.timeout = timeout
        self.maxPerSecond = max(1, maxPerSecond)
        self.logger = logger
        limiter = SendRateLimiter(limit: self.maxPerSecond, window: .seconds(1) + Self.windowMargin, clock: ContinuousClock())
    }

    /// `{baseURL}/v2.1/messages`.
    public var endpoint: String {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/v2.1/messages"
    }

    /// Sends `sms`, waiting first if the rate limit asks for it.
    ///
    /// - Returns: Flowroute's id for the message, once Flowroute has taken it (202 Accepted).
    /// - Throws: ``FlowrouteError``: permanent when Flowroute refused the credentials, the number or
    ///   the message; transient for the rate limit, server errors, timeouts, network failures and
    ///   cancellation.
    public func send(_ sms: OutboundSMS) async throws(FlowrouteError) -> FlowrouteSendReceipt {
        var logger = logger
        logger[metadataKey: "sms_from"] = "\(sms.from)"
        let endpoint = endpoint

        let body: [UInt8]
        do {
            body = try MessageDocument(sms: sms).encoded()
        } catch {
            throw FlowrouteError(.permanent, "cannot encode the Flowroute message request: \(error)")
        }

        do {
            try await limiter.acquire()
        } catch {
            throw .cancelled(endpoint, beforeSending: true)
        }
        logger.debug("sending through Flowroute", metadata: ["sms_to": "\(sms.to)", "endpoint": "\(endpoint)", "bytes": "\(body.count)"])

        let answer: Answer
        switch await exchange(request(endpoint: endpoint, body: body), endpoint: endpoint) {
        case .success(let received): answer = received
        case .failure(let error):
            logger.debug("Flowroute could not be reached", metadata: ["error": "\(error.message)"])
            throw redacted(error)
        }

        guard (200..<300).contains(answer.status) else {
            let error = redacted(
                FlowrouteErrorResponse(status: answer.status, body: answer.body)
                    .flowrouteError(sending: sms, credentials: credentials, endpoint: endpoint))
            logger.debug(
                "Flowroute refused the message",
                metadata: ["status": "\(answer.status)", "permanent": "\(error.kind == .permanent)", "flowroute_error_id": "\(error.errorID ?? "none")"])
            throw error
        }

        guard let messageID = MessageAccepted.messageID(in: answer.body) else {
            // Flowroute took the message; sending it again would send it twice, so this is no error.
            logger.warning("Flowroute accepted the message but its answer had no message id", metadata: ["status": "\(answer.status)"])
            return FlowrouteSendReceipt(messageID: "")
        }
        logger.debug("sent through Flowroute", metadata: ["flowroute_message_id": "\(messageID)", "status": "\(answer.status)"])
        return FlowrouteSendReceipt(messageID: messageID)
    }

    /// An answer's status and body.
    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
    }

    /// The request for a message document.
    func request(endpoint: String, body: [UInt8]) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Authorization", value: credentials.authorization)
        request.headers.add(name: "Content-Type", value: "application/vnd.api+json")
        request.headers.add(name: "Accept", value: "application/vnd.api+json")
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    /// Sends `request` and reads the answer, all within ``timeout``.
    private func exchange(_ request: HTTPClientRequest, endpoint: String) async -> Result<Answer, FlowrouteError> {
        let timeout = timeout
        return await withTaskGroup(of: Result<Answer, FlowrouteError>?.self) { group in
            group.addTask {
                do {
                    let response = try await self.httpClient.execute(request, timeout: .init(timeout))
                    let body = try await response.body.collect(upTo: Self.maximumResponseSize)
                    try Task.checkCancellation()
                    return .success(Answer(status: Int(response.status.code), body: Array(buffer: body)))
                } catch {
                    return .failure(.transport(error, endpoint: endpoint, timeout: timeout))
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                } catch {
                    return nil
                }
                return .failure(.timedOut(endpoint, after: timeout))
            }
            var outcome: Result<Answer, FlowrouteError>?
            while outcome == nil, let next = await group.next() {
                outcome = next
            }
            group.cancelAll()
            return outcome ?? .failure(.cancelled(endpoint, beforeSending: false))
        }
    }

    /// `error` with the secret key and the Basic credentials taken out of its text.
    private func redacted(_ error: FlowrouteError) -> FlowrouteError {
        error.redacting([credentials.secretKey, String(credentials.authorization.dropFirst("Basic ".count))])
    }
}
