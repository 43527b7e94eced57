import AsyncHTTPClient
import Foundation
import Logging
import MailKit
import NIOCore
import SigV4

/// Sends email through Amazon SES, API v2 `SendEmail` with raw content, signed with Signature Version 4.
///
/// The message is the one ``MIMEWriter`` renders, so what arrives is byte for byte what the other
/// transports deliver. SES's answers map to ``MailTransportError``: a rejected message or refused
/// credential is permanent, with SES's own words and what to check; throttling, server faults,
/// timeouts and network failures are transient, and so is a credential provider that cannot give
/// credentials now (it is asked before every request). The receipt carries SES's `MessageId`.
///
/// Sends are paced to ``SESConfiguration/maxSendRate`` however many are in flight (see
/// ``SESRateLimiter``). A throttling answer (HTTP 429, `TooManyRequestsException`, `Throttling`)
/// halves the pace and the same message is tried again; after ``throttleRetries`` of them the
/// message waits as ``MailTransportError/Kind/suspended``: it is never dead of throttling.
public final class SESTransport: MailTransport {
    public let name = "ses"
    public let configuration: SESConfiguration
    private let httpClient: HTTPClient
    private let logger: Logger
    /// Paces every send of this transport to ``SESConfiguration/maxSendRate``, slower while SES throttles.
    let rateLimiter: SESRateLimiter<ContinuousClock>

    /// How many throttling answers one send takes, slowing down each time, before it gives the
    /// message back to wait (as ``MailTransportError/Kind/suspended``, so no attempt is counted).
    static let throttleRetries = 3

    /// The largest error or success body read from SES; its answers are a few hundred bytes.
    private static let maximumResponseSize = 1 << 20

    /// - Parameters:
    ///   - httpClient: the client to send with; the shared one unless the caller manages its own.
    ///   - logger: the caller's logger. Failures are thrown, not logged: whoever sends logs them
    ///     once; the transport adds debug lines only, never a credential or a signature.
    public init(configuration: SESConfiguration, httpClient: HTTPClient = .shared, logger: Logger) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.rateLimiter = SESRateLimiter(maximumRate: configuration.maxSendRate, clock: ContinuousClock())
    }

    public func send(_ email: Email) async throws -> MailReceipt {
        var logger = logger
        logger[metadataKey: "message_id"] = "\(email.messageID)"
        logger[metadataKey: "transport"] = "ses"

        guard !email.to.isEmpty else {
            throw MailTransportError.permanent("the email has no recipients; SES needs at least one To address")
        }
        let body: [UInt8]
        do {
            body = try SendEmailRequest(email: email, configurationSetName: configuration.configurationSetName).encoded()
        } catch {
            throw MailTransportError.permanent("cannot encode the SES SendEmail request: \(error)")
        }

        var throttles = 0
        while true {
            try await rateLimiter.acquire()
            switch try await request(body: body, logger: logger) {
            case .sent(let receipt):
                rateLimiter.succeeded()
                return receipt
            case .throttled(let error):
                rateLimiter.throttled()
                throttles += 1
                let rate = rateLimiter.rate
                guard throttles <= Self.throttleRetries else {
                    // Not the message's fault: it waits, and the attempt does not count against it.
                    let pause = max(Duration.seconds(1), SESRateLimiter<ContinuousClock>.interval(at: rate) * 4)
                    throw MailTransportError.suspended("\(error.message) (sending at most \(Self.describe(rate)) messages a second for now)", retryAfter: pause)
                }
                logger.debug("SES throttled the send; slowing down and trying again", metadata: ["rate_per_second": "\(Self.describe(rate))"])
            }
        }
    }

    /// What one `SendEmail` request came to, when it was not a failure to report.
    private enum Answer {
        case sent(MailReceipt)
        /// SES asked us to slow down: the same message goes again, more slowly.
        case throttled(MailTransportError)
    }

    /// Signs and makes one `SendEmail` request.
    private func request(body: [UInt8], logger: Logger) async throws -> Answer {
        let credentials: AWSCredentials
        do {
            credentials = try await configuration.credentials.credentials()
        } catch let error as CancellationError {
            throw error
        } catch {
            // The platform's credential service is down or refusing: nothing is wrong with the
            // message, and it can go once the credentials come back.
            throw MailTransportError.transient("cannot get AWS credentials to sign the SES request: \(error); will retry later")
        }
        let request = signedRequest(body: body, at: Date(), credentials: credentials)
        logger.debug("sending through SES", metadata: ["endpoint": "\(configuration.endpoint.absoluteString)", "bytes": "\(body.count)"])

        let response: HTTPClientResponse
        let responseBody: ByteBuffer
        do {
            response = try await httpClient.execute(request, timeout: .init(configuration.requestTimeout))
            responseBody = try await response.body.collect(upTo: Self.maximumResponseSize)
        } catch let error as CancellationError {
            throw error
        } catch {
            logger.debug("SES could not be reached", metadata: ["error": "\(error)"])
            throw MailTransportError.transient(
                "could not complete the SES request to \(configuration.endpoint.absoluteString): \(error); will retry later"
            )
        }

        let bytes = Array(buffer: responseBody)
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            let answer = SESErrorResponse(status: status, headers: response.headers.map { ($0.name, $0.value) }, body: bytes)
            let error = answer.mailTransportError(configuration: configuration, credentials: credentials)
            if SESErrorResponse.category(code: answer.code ?? "", status: status) == .throttled {
                return .throttled(error)
            }
            logger.debug(
                "SES refused the message",
                metadata: ["status": "\(status)", "error_code": "\(answer.code ?? "none")", "permanent": "\(error.kind == .permanent)"]
            )
            throw error
        }

        let messageID = (try? JSONDecoder().decode(SendEmailResponse.self, from: Data(bytes)))?.messageID
        if messageID == nil {
            // SES took the message; sending it again would duplicate it, so this is not an error.
            logger.warning("SES accepted the message but its answer had no MessageId", metadata: ["status": "\(status)"])
        }
        logger.debug("sent through SES", metadata: ["ses_message_id": "\(messageID ?? "unknown")"])
        return .sent(MailReceipt(transportMessageID: messageID, answer: "\(status), MessageId \(messageID ?? "(none given)")"))
    }

    /// `14`, `0.5`, `3.5`: a rate as people write it.
    public static func describe(_ rate: Double) -> String {
        String(format: "%g", rate)
    }

    /// The `SendEmail` request for `body`, signed with `credentials` as made at `date`.
    func signedRequest(body: [UInt8], at date: Date, credentials: AWSCredentials) -> HTTPClientRequest {
        let endpoint = configuration.endpoint
        let basePath = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
        let path = basePath + "/v2/email/outbound-emails"
        let signer = SigV4Signer(credentials: credentials, region: configuration.region, service: "ses")
        let signed = signer.sign(
            SigV4Request(
                method: "POST",
                path: path,
                headers: [("Host", Self.hostHeader(for: endpoint)), ("Content-Type", "application/json")],
                payload: .bytes(body)
            ),
            at: date
        )

        var request = HTTPClientRequest(url: Self.origin(of: endpoint) + path)
        request.method = .POST
        for field in signed.headers {
            request.headers.add(name: field.name, value: field.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    /// `host` or `host:port` when the port is not the scheme's default: what goes in `Host`.
    static func hostHeader(for url: URL) -> String {
        var host = url.host ?? ""
        if host.contains(":") { host = "[\(host)]" }
        let scheme = url.scheme?.lowercased()
        if let port = url.port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) {
            host += ":\(port)"
        }
        return host
    }

    /// `scheme://host[:port]`.
    static func origin(of url: URL) -> String {
        "\(url.scheme?.lowercased() ?? "https")://\(hostHeader(for: url))"
    }
}
