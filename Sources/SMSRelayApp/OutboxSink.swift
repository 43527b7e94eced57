import Logging
import Outbox
import SMSRelayCore
import SMSRelayIntake
import SMSRelayLambdaApp

/// The server's sink: a callback is kept once it is committed to the outbox, and the delivery
/// worker is woken for a new message. A retried callback finds its message already stored.
struct OutboxSink: CallbackSink {
    let store: any OutboxStore
    /// Called after a new message is stored, to wake the delivery worker.
    let onStored: @Sendable () -> Void

    func take(_ message: InboundMessage, context: SinkContext) async throws(SinkFailure) -> SinkReceipt {
        let logger = context.logger
        let result: EnqueueResult
        do {
            result = try await store.enqueue(message, now: context.receivedAt)
        } catch {
            throw failure(error, logger: logger)
        }
        switch result {
        case .stored(let id):
            logger.info("message stored", metadata: ["outbox_id": "\(id)", "media": "\(message.media.count)"])
            logger.debug("message numbers", metadata: ["from": "\(message.from)", "to": "\(message.to)"])
            onStored()
            return .stored(id: id, isNew: true)
        case .duplicate(let id):
            logger.info("retried callback for a stored message; nothing new stored", metadata: ["outbox_id": "\(id)"])
            return .stored(id: id, isNew: false)
        }
    }

    func take(_ receipt: DeliveryReceipt, context: SinkContext) async throws(SinkFailure) -> SinkReceipt {
        let isNew: Bool
        do {
            isNew = try await store.record(receipt, now: context.receivedAt)
        } catch {
            throw failure(error, logger: context.logger)
        }
        context.logger.info(
            "delivery receipt",
            metadata: [
                "message_id": "\(receipt.messageID)", "status": "\(receipt.status)",
                "status_code": "\(receipt.statusCode ?? "-")", "new": "\(isNew)",
            ])
        if receipt.isFailure {
            try await noticeUndelivered(receipt, context: context)
        }
        return .receiptRecorded(isNew: isNew)
    }

    /// A failed receipt for a reply we sent: the replier is told, once. The notice is stored
    /// before the carrier is answered, so a carrier that must retry stores it then.
    private func noticeUndelivered(_ receipt: DeliveryReceipt, context: SinkContext) async throws(SinkFailure) {
        do {
            guard let entry = try await store.reply(transportMessageID: receipt.messageID), let reply = entry.reply else { return }
            let words = [receipt.status].filter { !$0.isEmpty } + receipt.details
            let notice = ReplyNotice(
                .undelivered, about: reply, reason: "The carrier reported: \(words.joined(separator: ", ")).",
                key: "undelivered:\(receipt.messageID)")
            if case .stored(let id) = try await store.enqueue(.notice(notice), now: context.receivedAt) {
                context.logger.notice(
                    "a reply was not delivered; the replier is told", metadata: ["outbox_id": "\(entry.id)", "notice_id": "\(id)"])
                onStored()
            }
        } catch {
            throw failure(error, logger: context.logger)
        }
    }

    private func failure(_ error: any Error, logger: Logger) -> SinkFailure {
        // Not stored: the edge answers so that the carrier tries again later.
        logger.error("cannot store callback", metadata: ["error": "\(error)"])
        return SinkFailure(.notStored, reason: "\(error)")
    }
}
