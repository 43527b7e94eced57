import Metrics
import Foundation
import Hummingbird
import NIOCore
import Logging
import SMSRelayCore
import SMSRelayIntake

/// The carrier callback endpoints: `POST /<carrier>/{token}` for each carrier with an intake
/// (`/flowroute/…`, `/twilio/…`, …; VoIP.ms also `GET`).
///
/// A message is answered 2xx only once the sink took it (the outbox committed it); a retried
/// callback finds it there and is answered 2xx again without a second email.
struct IntakeRoutes<Sink: CallbackSink>: Sendable {
    let intakes: [CallbackIntake]
    let sink: Sink

    func register(on router: Router<CallbackRequestContext>) {
        // Every method the HTTP parser accepts, so that with the right token each the carrier
        // does not use is answered 405 (and with a wrong one 404, like POST), never a bare "no such route".
        let standard: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .connect, .options, .trace, .patch]
        let extensions = [
            "ACL", "BIND", "CHECKOUT", "COPY", "LINK", "LOCK", "M-SEARCH", "MERGE", "MKACTIVITY", "MKCALENDAR",
            "MKCOL", "MOVE", "NOTIFY", "PROPFIND", "PROPPATCH", "PURGE", "QUERY", "REBIND", "REPORT", "SEARCH",
            "SOURCE", "SUBSCRIBE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE",
        ].compactMap { HTTPRequest.Method($0) }
        for intake in intakes {
            for method in standard + extensions {
                router.on("/\(intake.carrier.rawValue)/:token", method: method) { request, context in
                    await handle(request, intake: intake, context: context)
                }
            }
        }
    }

    func handle(_ request: Request, intake: CallbackIntake, context: CallbackRequestContext) async -> Response {
        let started = ContinuousClock.now
        let (response, outcome) = await answer(request, intake: intake, context: context)
        Self.count(response.status, outcome: outcome, carrier: intake.carrier, since: started)
        return response
    }

    /// `smsrelay_callbacks_total` and `smsrelay_intake_duration_seconds`; a wrong token's 404 is
    /// counted too (as `unknown_endpoint`), so that someone knocking shows.
    static func count(_ status: HTTPResponse.Status, outcome: String, carrier: Carrier, since started: ContinuousClock.Instant) {
        Metrics.Counter(
            label: RelayMetric.callbacks.name,
            dimensions: [("carrier", carrier.rawValue), ("outcome", outcome), ("code", "\(status.code)")]
        ).increment()
        Metrics.Timer(label: RelayMetric.intakeDuration.name).record(duration: started.duration(to: .now))
    }

    /// The answer, and the verdict's name for the count.
    private func answer(_ request: Request, intake: CallbackIntake, context: CallbackRequestContext) async -> (Response, String) {
        let receivedAt = Date()
        let verdict: IntakeVerdict
        do {
            try intake.checkRequest(
                presentedToken: context.parameters.get("token"),
                method: request.method.rawValue,
                contentType: request.headers[.contentType],
                contentLength: request.headers[.contentLength].flatMap { Int($0) })
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: intake.maxBodyBytes)
            } catch is NIOTooManyBytesError {
                throw intake.tooLarge
            }
            verdict = await intake.deliver(
                Self.callbackRequest(request, context: context, headers: intake.authenticator != nil), body: Array(buffer: body), to: sink,
                context: SinkContext(receivedAt: receivedAt, logger: context.logger))
        } catch let rejection as IntakeRejection {
            verdict = intake.refuse(rejection, logger: context.logger)
        } catch {
            context.logger.warning("cannot read callback body", metadata: ["error": "\(error)"])
            return (JSONResponse.error(.badRequest, "cannot read the request body"), "unreadable_body")
        }
        return (Self.response(for: verdict, acknowledgement: intake.callbackProtocol.acknowledgement), Self.outcome(of: verdict))
    }

    /// What the intake's checks read of the request: method, path, query, peer, and the headers
    /// when a carrier's proof needs them (Flowroute's callbacks, the most, need none).
    static func callbackRequest(_ request: Request, context: CallbackRequestContext, headers wanted: Bool = true) -> CallbackRequest {
        var headers: [String: String] = [:]
        for field in request.headers where wanted {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + "," + field.value } ?? field.value
        }
        let path = request.uri.path
        let query = request.uri.query
        return CallbackRequest(
            method: request.method.rawValue, path: path, query: query, headers: headers,
            sourceAddress: context.remoteAddress?.ipAddress)
    }

    /// The verdict as `smsrelay_callbacks_total` names it.
    static func outcome(of verdict: IntakeVerdict) -> String {
        switch verdict {
        case .accepted(.stored(_, let isNew)): isNew ? "stored" : "duplicate"
        case .accepted(.receiptRecorded(let isNew)): isNew ? "receipt" : "duplicate_receipt"
        case .accepted(.delivered): "delivered"
        case .ignored: "ignored"
        case .failed: "not_stored"
        case .rejected(let rejection):
            switch rejection.kind {
            case .unknownEndpoint: "unknown_endpoint"
            case .methodNotAllowed: "method_not_allowed"
            case .unsupportedContentType: "unsupported_content_type"
            case .tooLarge: "too_large"
            case .invalidPayload: "invalid_payload"
            case .forbidden: "forbidden"
            }
        }
    }

    /// The server's answer to each verdict: the one place intake outcomes become HTTP. An
    /// accepted callback is acknowledged the way its carrier expects (TwiML for Twilio, `ok` for
    /// VoIP.ms); refusals are JSON for every carrier.
    static func response(for verdict: IntakeVerdict, acknowledgement: CarrierProtocol.Acknowledgement = .json) -> Response {
        switch (verdict, acknowledgement) {
        case (.accepted, .twiml), (.ignored, .twiml):
            return Response(
                status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: CarrierAcknowledgement.emptyTwiML)))
        case (.accepted, .plainOK), (.ignored, .plainOK):
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: CarrierAcknowledgement.plainOK)))
        default:
            break
        }
        switch verdict {
        case .accepted(.stored(let id, let isNew)):
            return JSONResponse.make(.ok, ["id": .integer(id), "status": .string(isNew ? "stored" : "duplicate")])
        case .accepted(.receiptRecorded(let isNew)):
            return JSONResponse.make(.ok, ["status": .string(isNew ? "receipt recorded" : "duplicate receipt")])
        case .accepted(.delivered):
            return JSONResponse.make(.ok, ["status": .string("delivered")])
        case .ignored(let reason):
            return JSONResponse.make(.ok, ["reason": .string(reason), "status": .string("ignored")])
        case .rejected(let rejection):
            switch rejection.kind {
            case .unknownEndpoint:
                return JSONResponse.error(.notFound, rejection.reason)
            case .methodNotAllowed:
                return JSONResponse.error(.methodNotAllowed, rejection.reason, headers: [.allow: rejection.allowedMethods.joined(separator: ", ")])
            case .unsupportedContentType:
                return JSONResponse.error(.unsupportedMediaType, rejection.reason)
            case .tooLarge:
                return JSONResponse.error(.contentTooLarge, rejection.reason)
            case .invalidPayload:
                return JSONResponse.error(.badRequest, rejection.reason, field: rejection.field)
            case .forbidden:
                return JSONResponse.error(.forbidden, rejection.reason)
            }
        case .failed:
            // Not kept: a 5xx makes the carrier try again later.
            return JSONResponse.error(.serviceUnavailable, "the message could not be stored; retry later")
        }
    }
}
