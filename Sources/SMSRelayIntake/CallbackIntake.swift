import Foundation
import Logging
import SMSRelayCore

/// The checks every carrier callback passes, and the hand-over of what it carries to a
/// ``CallbackSink``: shared by the standalone server and the Lambda function, so that both
/// treat a callback the same way. It knows no HTTP status: each edge maps the
/// ``IntakeVerdict`` to its own answer.
///
/// Order matters: the token is checked first, so that a caller without it learns nothing
/// (not even which methods or sizes the endpoint takes).
public struct CallbackIntake: Sendable {
    /// The secret the callback must present; nil leaves the endpoint open.
    public let token: String?
    public let maxBodyBytes: Int

    public init(token: String?, maxBodyBytes: Int) {
        self.token = token
        self.maxBodyBytes = maxBodyBytes
    }

    /// Whether `presented` is the configured token (always true when none is configured).
    public func isAuthorized(_ presented: String?) -> Bool {
        guard let token else { return true }
        guard let presented else { return false }
        return ConstantTime.equals(presented, token)
    }

    /// Checks what is known before the body is read.
    public func checkRequest(presentedToken: String?, method: String, contentType: String?, contentLength: Int?) throws(IntakeRejection) {
        guard isAuthorized(presentedToken) else { throw .unknownEndpoint }
        guard method.uppercased() == "POST" else {
            throw IntakeRejection(.methodNotAllowed, reason: "method \(method) not allowed; carriers POST their callbacks")
        }
        if let contentType, !Self.isJSON(contentType) {
            throw IntakeRejection(.unsupportedContentType, reason: "content type '\(contentType)' not supported; send application/json")
        }
        if let contentLength, contentLength > maxBodyBytes {
            throw tooLarge
        }
    }

    /// Parses a body that passed ``checkRequest(presentedToken:method:contentType:contentLength:)``.
    /// The event is an inbound message, a receipt or a callback to ignore; the notices list what
    /// the parser read past, for the log.
    public func parse(_ body: [UInt8], receivedAt: Date) throws(IntakeRejection) -> ParsedCallback {
        guard body.count <= maxBodyBytes else { throw tooLarge }
        do {
            return try FlowrouteParser.read(body, receivedAt: receivedAt)
        } catch {
            throw IntakeRejection(.invalidPayload, reason: error.description, field: error.field)
        }
    }

    /// Parses a checked body and gives what it carries to `sink`, logging each step once.
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
        do {
            switch parsed.event {
            case .ignored(let reason):
                // Acknowledged so that the carrier does not send it again; nothing is kept.
                logger.notice("callback ignored", metadata: ["reason": "\(reason)"])
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
    /// worth a line: anyone can knock).
    public func refuse(_ rejection: IntakeRejection, logger: Logger) -> IntakeVerdict {
        if rejection.kind != .unknownEndpoint {
            logger.notice("callback refused", metadata: ["reason": "\(rejection.reason)"])
        }
        return .rejected(rejection)
    }

    public var tooLarge: IntakeRejection {
        IntakeRejection(.tooLarge, reason: "body larger than \(maxBodyBytes) bytes")
    }

    /// Media types a JSON callback may come with: `application/json`, `application/vnd.api+json`,
    /// `text/json`, `text/plain` (some senders label JSON so), or none.
    static func isJSON(_ contentType: String) -> Bool {
        let beforeParameters = contentType.utf8.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let trimmed = beforeParameters.drop(while: isBlank).reversed().drop(while: isBlank).reversed()
        let mediaType = String(decoding: trimmed, as: UTF8.self).lowercased()
        return mediaType.isEmpty || mediaType == "application/json" || mediaType == "text/json" || mediaType == "text/plain"
            || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
