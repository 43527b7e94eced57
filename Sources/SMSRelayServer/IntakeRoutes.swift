import Foundation
import Hummingbird
import NIOCore
import Logging
import Outbox
import SMSRelayCore

/// The carrier callback endpoint: `POST /flowroute/{token}`.
///
/// A message is answered 2xx only once it is committed to the outbox; a retried callback finds
/// it there and is answered 2xx again without a second email.
struct IntakeRoutes: Sendable {
    let intake: CallbackIntake
    let store: any OutboxStore
    /// Called after a new message is stored, to wake the delivery worker.
    let onStored: @Sendable () -> Void

    func register(on router: Router<BasicRequestContext>) {
        router.post("/flowroute/:token") { request, context in
            await handle(request, context: context)
        }
        // Every other method the HTTP parser accepts, so that with the right token each is
        // answered 405 (and with a wrong one 404, like POST), never a bare "no such route".
        let standard: [HTTPRequest.Method] = [.get, .head, .put, .delete, .connect, .options, .trace, .patch]
        let extensions = [
            "ACL", "BIND", "CHECKOUT", "COPY", "LINK", "LOCK", "M-SEARCH", "MERGE", "MKACTIVITY", "MKCALENDAR",
            "MKCOL", "MOVE", "NOTIFY", "PROPFIND", "PROPPATCH", "PURGE", "QUERY", "REBIND", "REPORT", "SEARCH",
            "SOURCE", "SUBSCRIBE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE",
        ].compactMap { HTTPRequest.Method($0) }
        for method in standard + extensions {
            router.on("/flowroute/:token", method: method) { request, context in
                await handle(request, context: context)
            }
        }
    }

    func handle(_ request: Request, context: BasicRequestContext) async -> Response {
        let receivedAt = Date()
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
            let parsed = try intake.parse(Array(buffer: body), receivedAt: receivedAt)
            for notice in parsed.notices {
                context.logger.notice("callback read past a field", metadata: ["field": "\(notice.field)", "detail": "\(notice.detail)"])
            }
            return await store(parsed.event, receivedAt: receivedAt, logger: context.logger)
        } catch let rejection as IntakeRejection {
            if rejection.status != 404 {
                context.logger.notice("callback refused", metadata: ["status": "\(rejection.status)", "reason": "\(rejection.reason)"])
            }
            var headers: HTTPFields = [:]
            if rejection.status == 405 { headers[.allow] = "POST" }
            return JSONResponse.error(.init(code: rejection.status), rejection.reason, field: rejection.field, headers: headers)
        } catch {
            context.logger.warning("cannot read callback body", metadata: ["error": "\(error)"])
            return JSONResponse.error(.badRequest, "cannot read the request body")
        }
    }

    private func store(_ event: CarrierEvent, receivedAt: Date, logger: Logger) async -> Response {
        var logger = logger
        do {
            switch event {
            case .ignored(let reason):
                // Answered 200 so that the carrier does not send it again; nothing is stored.
                logger.notice("callback ignored", metadata: ["reason": "\(reason)"])
                return JSONResponse.make(.ok, ["status": "ignored", "reason": reason])
            case .message(let message):
                logger[metadataKey: "message_id"] = "\(message.id)"
                logger[metadataKey: "carrier"] = "\(message.carrier)"
                let result = try await store.enqueue(message, now: receivedAt)
                switch result {
                case .stored(let id):
                    logger.info("message stored", metadata: ["outbox_id": "\(id)", "media": "\(message.media.count)"])
                    logger.debug("message numbers", metadata: ["from": "\(message.from)", "to": "\(message.to)"])
                    onStored()
                    return JSONResponse.make(.ok, ["status": "stored", "id": id])
                case .duplicate(let id):
                    logger.info("retried callback for a stored message; nothing new stored", metadata: ["outbox_id": "\(id)"])
                    return JSONResponse.make(.ok, ["status": "duplicate", "id": id])
                }
            case .deliveryReceipt(let receipt):
                let isNew = try await store.record(receipt, now: receivedAt)
                logger.info(
                    "delivery receipt",
                    metadata: [
                        "message_id": "\(receipt.messageID)", "status": "\(receipt.status)",
                        "status_code": "\(receipt.statusCode ?? "-")", "new": "\(isNew)",
                    ])
                return JSONResponse.make(.ok, ["status": isNew ? "receipt recorded" : "duplicate receipt"])
            }
        } catch {
            // Not stored: a 5xx makes the carrier try again later.
            logger.error("cannot store callback", metadata: ["error": "\(error)"])
            return JSONResponse.error(.serviceUnavailable, "the message could not be stored; retry later")
        }
    }
}
