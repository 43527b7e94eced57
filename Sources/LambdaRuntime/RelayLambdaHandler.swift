import Foundation
import Logging
import MailKit
import SMSRelayCore

/// The relay as a Lambda function: the same intake as the server, then synchronous delivery.
///
/// The answer follows the original function's contract: `200 {"message": "Message succeeded"}`
/// once the mail system took the email, `500 {"message": "Message failed"}` when it did not, so
/// that the carrier retries. Bad requests get the same 4xx answers as the server. A send that has
/// not finished `safetyMargin` before the invocation's deadline is abandoned and answered 500.
public struct RelayLambdaHandler: LambdaHandler {
    public typealias Compose = @Sendable (InboundMessage) throws -> Email

    let intake: CallbackIntake
    let transport: any MailTransport
    let compose: Compose
    let safetyMargin: Duration

    public init(
        intake: CallbackIntake, transport: any MailTransport, compose: @escaping Compose,
        safetyMargin: Duration = LambdaContext.defaultSafetyMargin
    ) {
        self.intake = intake
        self.transport = transport
        self.compose = compose
        self.safetyMargin = safetyMargin
    }

    public func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        await response(for: event, context: context).encoded
    }

    func response(for event: [UInt8], context: LambdaContext) async -> APIGatewayResponse {
        let logger = context.logger
        let request: APIGatewayRequest
        do {
            request = try APIGatewayRequest.decode(event)
        } catch {
            logger.warning("event refused", metadata: ["reason": "\(error.description)"])
            return APIGatewayResponse(statusCode: 400, json: ["error": error.description])
        }
        let parsed: ParsedCallback
        do {
            let token = request.query["token"] ?? request.lastPathSegment
            try intake.checkRequest(
                presentedToken: token, method: request.method,
                contentType: request.headers["content-type"], contentLength: nil)
            parsed = try intake.parse(request.body, receivedAt: Date())
        } catch {
            if error.status != 404 {
                logger.notice("callback refused", metadata: ["status": "\(error.status)", "reason": "\(error.reason)"])
            }
            var json = ["error": error.reason]
            if let field = error.field { json["field"] = field }
            return APIGatewayResponse(statusCode: error.status, json: json)
        }

        for notice in parsed.notices {
            logger.notice("callback read past a field", metadata: ["field": "\(notice.field)", "detail": "\(notice.detail)"])
        }
        switch parsed.event {
        case .ignored(let reason):
            logger.notice("callback ignored", metadata: ["reason": "\(reason)"])
            return APIGatewayResponse(statusCode: 200, json: ["status": "ignored", "reason": reason])
        case .deliveryReceipt(let receipt):
            logger.info(
                "delivery receipt",
                metadata: ["message_id": "\(receipt.messageID)", "status": "\(receipt.status)", "status_code": "\(receipt.statusCode ?? "-")"])
            return APIGatewayResponse(statusCode: 200, json: ["message": "Receipt received"])
        case .message(let message):
            var logger = logger
            logger[metadataKey: "message_id"] = "\(message.id)"
            do {
                let receipt = try await withDeadline(context.deadline(minus: safetyMargin)) { [compose, transport] in
                    try await transport.send(try compose(message))
                }
                logger.info(
                    "message delivered",
                    metadata: ["transport": "\(transport.name)", "transport_id": "\(receipt.transportMessageID ?? "-")"])
                return APIGatewayResponse(statusCode: 200, json: ["message": "Message succeeded"])
            } catch is DeadlineExceeded {
                logger.error(
                    "send abandoned at the deadline: the mail system did not answer in time",
                    metadata: [
                        "transport": "\(transport.name)",
                        "remaining_ms": "\(context.remainingTime.milliseconds)",
                        "safety_margin_ms": "\(safetyMargin.milliseconds)",
                    ])
                return APIGatewayResponse(statusCode: 500, json: ["message": "Message failed"])
            } catch {
                logger.error("message failed", metadata: ["transport": "\(transport.name)", "error": "\(error)"])
                return APIGatewayResponse(statusCode: 500, json: ["message": "Message failed"])
            }
        }
    }
}
