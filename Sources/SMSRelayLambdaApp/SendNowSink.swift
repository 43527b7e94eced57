import DynamoDBItems
import Foundation
import LambdaRuntime
import Logging
import MailKit
import MailRender
import SMSRelayCore
import SMSRelayIntake

/// The Lambda sink: there is no outbox, so a message is rendered and sent during the invocation,
/// and must be taken by the mail system before the deadline less a safety margin. A send that
/// cannot finish in time is abandoned, so that the function still answers (500, and the carrier
/// retries) instead of being killed by Lambda without a word.
///
/// An MMS's media are downloaded first, in memory, all at once; the downloads may use half of the
/// time left before the deadline (less the margin), so that the send keeps the other half. An
/// item not downloaded by then is left out, with its link.
///
/// With an ``IdempotencyTable`` the message is claimed in it before anything else (see
/// ``IdempotencyGuard``): a message sent before is answered as delivered without a second email,
/// one another invocation is sending is answered 500, and without the table's answer nothing is sent.
public struct SendNowSink: CallbackSink {
    package let transport: any MailTransport
    package let compose: ComposeEmail
    /// Kept free before the deadline to answer and log.
    package let safetyMargin: Duration
    package let media: MediaCollector?
    package let idempotency: IdempotencyGuard?

    public init(
        transport: any MailTransport, compose: @escaping ComposeEmail,
        safetyMargin: Duration = LambdaContext.defaultSafetyMargin
    ) {
        self.init(transport: transport, compose: compose, safetyMargin: safetyMargin, media: nil)
    }

    package init(
        transport: any MailTransport, compose: @escaping ComposeEmail, safetyMargin: Duration, media: MediaCollector?,
        idempotency: IdempotencyTable? = nil
    ) {
        self.transport = transport
        self.compose = compose
        self.safetyMargin = safetyMargin
        self.media = media
        self.idempotency = idempotency.map { IdempotencyGuard(table: $0, safetyMargin: safetyMargin) }
    }

    public func take(_ message: InboundMessage, context: SinkContext) async throws(SinkFailure) -> SinkReceipt {
        var logger = context.logger
        var claim: IdempotencyGuard.Ticket?
        if let idempotency {
            switch await idempotency.begin(message, context: context) {
            case .send(let ticket):
                claim = ticket
                logger[metadataKey: "idempotency_key"] = "\(ticket.key)"
            case .answer(let receipt):
                return receipt
            case .refuse(let failure):
                throw failure
            }
        }
        let transport = self.transport
        let compose = self.compose
        var outcomes: [MediaOutcome]?
        if let media, media.applies(to: message) {
            let now = ContinuousClock.now
            let fetchDeadline = context.deadline.map { now + ($0 - safetyMargin - now) / 2 }
                ?? now + media.settings.timeout * media.settings.attempts
            outcomes = await media.collect(message, until: fetchDeadline, logger: logger)
        }
        let ready = outcomes
        let send: @Sendable () async throws -> MailReceipt = {
            // Nothing here counts a conversation's texts: its thread turns over each month instead.
            try await transport.send(try compose(message, ready, .month(of: message.receivedAt)))
        }
        do {
            let receipt: MailReceipt
            if let deadline = context.deadline {
                receipt = try await withDeadline(deadline - safetyMargin, operation: send)
            } else {
                receipt = try await send()
            }
            logger.info(
                "message delivered",
                metadata: ["transport": "\(transport.name)", "transport_id": "\(receipt.transportMessageID ?? "-")"])
            if let idempotency, let claim {
                await idempotency.sent(claim, transportID: receipt.transportMessageID, context: context, logger: logger)
            }
            return .delivered(transportID: receipt.transportMessageID)
        } catch let error as DeadlineExceeded {
            let remaining = context.deadline.map { $0 - ContinuousClock.now } ?? .zero
            logger.error(
                "send abandoned at the deadline: the mail system did not answer in time",
                metadata: [
                    "transport": "\(transport.name)",
                    "remaining_ms": "\(remaining.milliseconds)",
                    "safety_margin_ms": "\(safetyMargin.milliseconds)",
                ])
            // The mail system may yet take it: the claim stays until it is stale, and the
            // carrier's retry after that sends.
            throw SinkFailure(.deadlineExceeded, reason: "\(error)")
        } catch {
            logger.error("message failed", metadata: ["transport": "\(transport.name)", "error": "\(error)"])
            if let idempotency, let claim {
                await idempotency.failed(claim, context: context, logger: logger)
            }
            throw SinkFailure(.notDelivered, reason: "\(error)")
        }
    }

    public func take(_ receipt: DeliveryReceipt, context: SinkContext) async throws(SinkFailure) -> SinkReceipt {
        // Nothing keeps receipts in Lambda: logged and acknowledged.
        context.logger.info(
            "delivery receipt",
            metadata: ["message_id": "\(receipt.messageID)", "status": "\(receipt.status)", "status_code": "\(receipt.statusCode ?? "-")"])
        return .receiptRecorded(isNew: true)
    }
}
