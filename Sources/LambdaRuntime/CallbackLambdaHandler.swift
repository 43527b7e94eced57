import Foundation
import Logging
import SMSRelayIntake

/// The relay as a Lambda function: unwraps the API Gateway or Function URL event, runs the same
/// intake as the server and gives the callback to a sink that must finish by the invocation's
/// deadline.
///
/// The answer follows the original function's contract: `200 {"message": "Message succeeded"}`
/// once the mail system took the email, `500 {"message": "Message failed"}` when it did not, so
/// that the carrier retries. Bad requests get the same 4xx answers as the server.
public struct CallbackLambdaHandler<Sink: CallbackSink>: LambdaHandler {
    /// One intake per carrier that is on; the path names the carrier (`/twilio/<token>`), and a
    /// path that names none goes to the first (Flowroute's, unless it is off).
    let intakes: [CallbackIntake]
    let sink: Sink

    public init(intakes: [CallbackIntake], sink: Sink) {
        precondition(!intakes.isEmpty, "at least one carrier's intake")
        self.intakes = intakes
        self.sink = sink
    }

    public init(intake: CallbackIntake, sink: Sink) {
        self.init(intakes: [intake], sink: sink)
    }

    /// The intake of the carrier the path names: the last segment before the token that is a
    /// carrier's name.
    func intake(for request: APIGatewayRequest) -> CallbackIntake {
        let segments = request.pathSegments.dropLast()
        for segment in segments.reversed() {
            if let intake = intakes.first(where: { $0.carrier.rawValue == segment.lowercased() }) { return intake }
        }
        return intakes[0]
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
        let intake = intake(for: request)
        let verdict: IntakeVerdict
        do {
            try intake.checkRequest(
                presentedToken: request.query["token"] ?? request.lastPathSegment, method: request.method,
                contentType: request.headers["content-type"], contentLength: nil)
            let facts = CallbackRequest(
                method: request.method, path: request.path ?? "/", query: request.rawQuery, headers: request.headers,
                sourceAddress: request.sourceAddress)
            verdict = await intake.deliver(
                facts, body: request.body, to: sink,
                context: SinkContext(receivedAt: Date(), deadline: context.deadline, logger: logger))
        } catch {
            verdict = intake.refuse(error, logger: logger)
        }
        return Self.response(for: verdict, acknowledgement: intake.callbackProtocol.acknowledgement)
    }

    /// The function's answer to each verdict: the one place intake outcomes become proxy responses.
    /// An accepted callback is acknowledged the way its carrier expects (TwiML for Twilio, `ok`
    /// for VoIP.ms).
    static func response(for verdict: IntakeVerdict, acknowledgement: CarrierProtocol.Acknowledgement = .json) -> APIGatewayResponse {
        switch (verdict, acknowledgement) {
        case (.accepted, .twiml), (.ignored, .twiml):
            return APIGatewayResponse(statusCode: 200, contentType: "text/xml; charset=utf-8", body: CarrierAcknowledgement.emptyTwiML)
        case (.accepted, .plainOK), (.ignored, .plainOK):
            return APIGatewayResponse(statusCode: 200, contentType: "text/plain; charset=utf-8", body: CarrierAcknowledgement.plainOK)
        default:
            break
        }
        switch verdict {
        case .accepted(.delivered), .accepted(.stored):
            return APIGatewayResponse(statusCode: 200, json: ["message": "Message succeeded"])
        case .accepted(.receiptRecorded):
            return APIGatewayResponse(statusCode: 200, json: ["message": "Receipt received"])
        case .ignored(let reason):
            return APIGatewayResponse(statusCode: 200, json: ["status": "ignored", "reason": reason])
        case .rejected(let rejection):
            var json = ["error": rejection.reason]
            if let field = rejection.field { json["field"] = field }
            let status = switch rejection.kind {
            case .unknownEndpoint: 404
            case .methodNotAllowed: 405
            case .unsupportedContentType: 415
            case .tooLarge: 413
            case .invalidPayload: 400
            case .forbidden: 403
            }
            return APIGatewayResponse(statusCode: status, json: json)
        case .failed:
            return APIGatewayResponse(statusCode: 500, json: ["message": "Message failed"])
        }
    }
}
