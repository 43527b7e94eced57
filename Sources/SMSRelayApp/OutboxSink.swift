import Logging
import Outbox
import SMSRelayCore
import SMSRelayIntake

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
        return .receiptRecorded(isNew: isNew)
    }

    private func failure(_ error: any Error, logger: Logger) -> SinkFailure {
        // Not stored: the edge answers so that the carrier tries again later.
        logger.error("cannot store callback", metadata: ["error": "\(error)"])
        return SinkFailure(.notStored, reason: "\(error)")
    }
}
