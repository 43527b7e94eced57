import Foundation
import Logging
import SMSRelayCore

/// The checks every carrier callback passes, and the hand-over of what it carries to a
/// ``CallbackSink``: shared by the standalone server and the Lambda function, so that both
/// treat a callback the same way. It knows no HTTP status: each edge maps the
/// ``IntakeVerdict`` to its own answer. There is one intake per carrier, at `/<carrier>/<token>`.
///
/// Order matters: the token is checked first, so that a caller without it learns nothing
/// (not even which methods or sizes the endpoint takes); the carrier's own proof (a signature,
/// a password, the source address) once the body is read, before it is parsed.
public struct CallbackIntake: Sendable {
    /// The carrier whose callbacks this intake takes.
    public let carrier: Carrier
    /// The secret the callback must present; nil leaves the endpoint open.
    public let token: String?
    public let maxBodyBytes: Int
    /// The carrier's proof that a callback is its own; nil where there is none to check.
    public let authenticator: (any CallbackAuthenticator)?

    public init(carrier: Carrier = .flowroute, token: String?, maxBodyBytes: Int, authenticator: (any CallbackAuthenticator)? = nil) {
        self.carrier = carrier
        self.token = token
        self.maxBodyBytes = maxBodyBytes
        self.authenticator = authenticator
    }

    /// How the carrier calls and what it expects back.
    public var callbackProtocol: CarrierProtocol { CarrierProtocol(carrier) }

    /// Whether `presented` is the configured token (always true when none is configured).
    public func isAuthorized(_ presented: String?) -> Bool {
        guard let token else { return true }
        guard let presented else { return false }
        return ConstantTime.equals(presented, token)
    }

    /// Checks what is known before the body is read.
    public func checkRequest(presentedToken: String?, method: String, contentType: String?, contentLength: Int?) throws(IntakeRejection) {
        guard isAuthorized(presentedToken) else { throw .unknownEndpoint }
        let methods = callbackProtocol.methods
        guard methods.contains(method.uppercased()) else {
            throw IntakeRejection(
                .methodNotAllowed,
                reason: "method \(method) not allowed; \(carrier.displayName) sends its callbacks with \(methods.joined(separator: " or "))",
                allowedMethods: methods)
        }
        if let contentType, !callbackProtocol.accepts(contentType: contentType) {
            throw IntakeRejection(
                .unsupportedContentType,
                reason: "content type '\(contentType)' not supported; \(carrier.displayName) callbacks are \(callbackProtocol.expectedContentType)")
        }
        if let contentLength, contentLength > maxBodyBytes {
            throw tooLarge
        }
    }

    /// The carrier's proof, checked over the body as it arrived.
    public func authenticate(_ request: CallbackRequest, body: [UInt8], now: Date) throws(IntakeRejection) {
        guard let authenticator else { return }
        do {
            try authenticator.authenticate(request, body: body, now: now)
        } catch {
            throw IntakeRejection(.forbidden, reason: error.reason)
        }
    }

    /// Parses a body that passed ``checkRequest(presentedToken:method:contentType:contentLength:)``.
    /// The events are inbound messages, receipts or callbacks to ignore; the notices list what
    /// the parser read past, for the log.
    public func parse(_ body: [UInt8], receivedAt: Date) throws(IntakeRejection) -> ParsedCallback {
        guard body.count <= maxBodyBytes else { throw tooLarge }
        do {
            return try carrier.read(body, receivedAt: receivedAt)
        } catch {
            throw IntakeRejection(.invalidPayload, reason: error.description, field: error.field)
        }
    }

    /// Checks the carrier's proof, parses the body and gives what it carries to `sink`, logging
    /// each step once. `body` is the request's body; for VoIP.ms's GET the query is read instead.
    public func deliver(_ request: CallbackRequest, body: [UInt8], to sink: some CallbackSink, context: SinkContext) async -> IntakeVerdict {
        do {
            try authenticate(request, body: body, now: context.receivedAt)
        } catch {
            return refuse(error, logger: context.logger)
        }
        return await deliver(callbackProtocol.fields(of: request, body: body), to: sink, context: context)
    }

    /// Parses a checked body and gives what it carries to `sink`, logging each step once. A
    /// batch (Bandwidth's array) is taken event by event: the verdict is the first failure, or
    /// else the first message's (or the first event's) outcome.
    public func deliver(_ body: [UInt8], to sink: some CallbackSink, context: SinkContext) async -> IntakeVerdict {
        let logger = context.logger
        let parsed: ParsedCallback
        do {
            parsed = try parse(body, receivedAt: context.receivedAt)
        } catch {
            return refuse(error, logger: logger)
        }
        for notice in parsed.notices {
            logger.notice("callback read past a field", metadata: ["field": "\(notice.field)", "detail": "\(notice.detail)"])
        }
        var verdicts: [IntakeVerdict] = []
        for event in parsed.events {
            let verdict = await take(event, sink: sink, context: context)
            if case .failed = verdict { return verdict }
            verdicts.append(verdict)
        }
        return verdicts.first { if case .accepted(.stored) = $0 { true } else { false } }
            ?? verdicts.first { if case .accepted = $0 { true } else { false } }
            ?? verdicts[0]
    }

    private func take(_ event: CarrierEvent, sink: some CallbackSink, context: SinkContext) async -> IntakeVerdict {
        do {
            switch event {
            case .ignored(let reason):
                // Acknowledged so that the carrier does not send it again; nothing is kept.
                context.logger.notice("callback ignored", metadata: ["reason": "\(reason)", "carrier": "\(carrier.rawValue)"])
                return .ignored(reason: reason)
            case .message(let message):
                var context = context
                context.logger[metadataKey: "message_id"] = "\(message.id)"
                context.logger[metadataKey: "carrier"] = "\(message.carrier)"
                return .accepted(try await sink.take(message, context: context))
            case .deliveryReceipt(let receipt):
                return .accepted(try await sink.take(receipt, context: context))
            }
        } catch {
            return .failed(error)
        }
    }

    /// The verdict for a refused callback, logged unless it is a wrong token (which is not
    /// worth a line: anyone can knock). A failed signature is logged as a warning, without the body.
    public func refuse(_ rejection: IntakeRejection, logger: Logger) -> IntakeVerdict {
        switch rejection.kind {
        case .unknownEndpoint:
            break
        case .forbidden:
            logger.warning("callback refused: not from the carrier", metadata: ["carrier": "\(carrier.rawValue)", "reason": "\(rejection.reason)"])
        default:
            logger.notice("callback refused", metadata: ["carrier": "\(carrier.rawValue)", "reason": "\(rejection.reason)"])
        }
        return .rejected(rejection)
    }

    public var tooLarge: IntakeRejection {
        IntakeRejection(.tooLarge, reason: "body larger than \(maxBodyBytes) bytes")
    }
}
