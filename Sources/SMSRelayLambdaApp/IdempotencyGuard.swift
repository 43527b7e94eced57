import DynamoDBItems
import Foundation
import LambdaRuntime
import Logging
import SMSRelayCore
import SMSRelayIntake

/// How the Lambda sink uses the ``IdempotencyTable``: claim before sending, record the send,
/// give the claim back when the mail system refused. Every call ends before the invocation's
/// deadline less the safety margin, and what the table said is logged once, here.
///
/// A claim is stale after the function's timeout: the time the invocation had left when the
/// callback arrived (Lambda's longest, 900 s, without a deadline). By then the invocation that
/// wrote it has answered or been stopped, so a carrier's retry may take it over.
package struct IdempotencyGuard: Sendable {
    package let table: IdempotencyTable
    package let safetyMargin: Duration

    /// How long a claim lasts when there is no invocation deadline: Lambda's longest timeout.
    package static let defaultStaleAfter = 900

    /// This invocation's claim on a message.
    package struct Ticket: Sendable, Equatable {
        let key: String
        let token: String
    }

    package enum Begin: Sendable {
        /// Send it: the claim is ours.
        case send(Ticket)
        /// Do not send: answer this (sent before).
        case answer(SinkReceipt)
        /// Do not send: answer that the carrier should retry.
        case refuse(SinkFailure)
    }

    /// The seconds after which a claim is stale, from the time this invocation has left.
    package static func staleAfter(deadline: ContinuousClock.Instant?, now: ContinuousClock.Instant = .now) -> Int {
        guard let deadline else { return defaultStaleAfter }
        let left = (deadline - now).components
        return max(1, Int(left.seconds) + (left.attoseconds > 0 ? 1 : 0))
    }

    package func begin(_ message: InboundMessage, context: SinkContext) async -> Begin {
        let key = IdempotencyTable.key(for: message)
        var logger = context.logger
        logger[metadataKey: "idempotency_key"] = "\(key)"
        let staleAfter = Self.staleAfter(deadline: context.deadline)
        let table = self.table
        let claim: IdempotencyTable.Claim
        do {
            claim = try await bounded(by: context.deadline.map { $0 - safetyMargin }) {
                try await table.claim(key, now: Date(), staleAfter: staleAfter)
            }
        } catch {
            logger.error(
                "idempotency table unavailable: the message is not sent without it; answered 500 so that the carrier retries",
                metadata: ["table": "\(table.table)", "error": "\(error)"])
            return .refuse(SinkFailure(.notDelivered, reason: "the idempotency table \(table.table) did not answer: \(error)"))
        }
        switch claim {
        case .claimed(let token):
            logger.debug("message claimed in the idempotency table", metadata: ["stale_after_s": "\(staleAfter)"])
            return .send(Ticket(key: key, token: token))
        case .alreadySent(let transportID):
            logger.info(
                "message sent before: answered as delivered, not sent again", metadata: ["transport_id": "\(transportID ?? "-")"])
            return .answer(.delivered(transportID: transportID))
        case .inFlight(let startedAt):
            let age = startedAt.map { "\(Int(Date().timeIntervalSince1970) - $0)" } ?? "-"
            logger.warning(
                "message is being sent by another invocation: answered 500 so that the carrier retries later",
                metadata: ["claim_age_s": "\(age)", "stale_after_s": "\(staleAfter)"])
            return .refuse(SinkFailure(.notDelivered, reason: "another invocation is sending this message"))
        }
    }

    /// Records the send. A failure is logged, not thrown: the mail system took the email, so the
    /// answer is 200 whatever the table says.
    package func sent(_ ticket: Ticket, transportID: String?, context: SinkContext, logger: Logger) async {
        let table = self.table
        do {
            try await bounded(by: context.deadline.map { $0 - safetyMargin / 2 }) {
                try await table.recordSent(ticket.key, transportID: transportID, now: Date())
            }
        } catch {
            logger.error(
                "message sent, but the idempotency table did not record it: a retry of this callback once the claim is stale would send it again",
                metadata: ["table": "\(table.table)", "error": "\(error)"])
        }
    }

    /// Gives the claim back after the mail system refused the message, so that the retry sends it.
    package func failed(_ ticket: Ticket, context: SinkContext, logger: Logger) async {
        let table = self.table
        do {
            try await bounded(by: context.deadline.map { $0 - safetyMargin / 2 }) {
                try await table.release(ticket.key, token: ticket.token)
            }
        } catch {
            logger.error(
                "the idempotency table did not release the claim: the carrier's retries answer 500 until it is stale",
                metadata: ["table": "\(table.table)", "error": "\(error)"])
        }
    }

    private func bounded<T: Sendable>(
        by deadline: ContinuousClock.Instant?, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard let deadline else { return try await operation() }
        return try await withDeadline(deadline, operation: operation)
    }
}
