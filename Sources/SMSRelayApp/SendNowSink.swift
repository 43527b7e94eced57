import Foundation
import LambdaRuntime
import Logging
import MailKit
import SMSRelayCore
import SMSRelayIntake

/// The Lambda sink: there is no outbox, so a message is rendered and sent during the invocation,
/// and must be taken by the mail system before the deadline less a safety margin. A send that
/// cannot finish in time is abandoned, so that the function still answers (500, and the carrier
/// retries) instead of being killed by Lambda without a word.
public struct SendNowSink: CallbackSink {
    let transport: any MailTransport
    let compose: @Sendable (InboundMessage) throws -> Email
    /// Kept free before the deadline to answer and log.
    let safetyMargin: Duration

    public init(
        transport: any MailTransport, compose: @escaping @Sendable (InboundMessage) throws -> Email,
        safetyMargin: Duration = LambdaContext.defaultSafetyMargin
    ) {
        self.transport = transport
        self.compose = compose
        self.safetyMargin = safetyMargin
    }

    public func take(_ message: InboundMessage, context: SinkContext) async throws(SinkFailure) -> SinkReceipt {
        let logger = context.logger
        let transport = self.transport
        let compose = self.compose
        let send: @Sendable () async throws -> MailReceipt = { try await transport.send(try compose(message)) }
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
            throw SinkFailure(.deadlineExceeded, reason: "\(error)")
        } catch {
            logger.error("message failed", metadata: ["transport": "\(transport.name)", "error": "\(error)"])
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
