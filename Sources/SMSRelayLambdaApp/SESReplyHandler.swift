import CarrierAPI
import FlowrouteAPI
import Foundation
import LambdaRuntime
import Logging
import MailKit
import S3Objects
import SMSRelayCore

/// Lambda: a reply email SES received for the reply domain, stored by the receipt rule in S3,
/// sent to the texter as an SMS within the invocation.
///
/// SES's verdicts come first (a virus, spam, DMARC failing, or SPF and DKIM both failing refuse
/// the reply), then the same checks as `smsrelay reply`. Lambda invokes the function again when
/// an asynchronous invocation fails, so the object is tagged once handled, and a tagged object is
/// not sent again: a transient failure (the carrier's 429 or 5xx, S3 unreachable) fails the
/// invocation so that Lambda retries; a refusal does not. Nothing of the text is logged.
package struct SESReplyHandler: Sendable {
    package let intake: ReplyIntake
    package let s3: S3Client
    package let location: ReplyS3Settings
    /// The carriers' senders, by carrier tag; the reply goes out through its text's carrier.
    package let senders: [String: any TextSender]
    package let transport: any MailTransport
    package let composeNotice: @Sendable (ReplyNotice) throws -> Email
    package let confirm: Bool
    package let safetyMargin: Duration

    /// The tag that marks an object handled; its value lists what was done.
    package static let handledTag = "smsrelay"

    package func handle(_ event: SESReceiptEvent, context: LambdaContext) async throws -> [UInt8] {
        var logger = context.logger
        logger[metadataKey: "ses_message_id"] = "\(event.messageID)"
        logger.info("reply email received through SES", metadata: ["envelope_sender": "\(event.source)"])
        if let refusal = event.verdictRefusal {
            logger.warning("reply refused", metadata: ["reason": "\(refusal)"])
            return Self.summary(["refused": refusal])
        }
        guard event.messageID.utf8.allSatisfy(\.isASCIILetterOrDigit) else {
            throw LambdaFunctionError(type: "SMSRelay.InvalidEvent", message: "the SES message id \(event.messageID) is not an object name")
        }
        let key = location.prefix + event.messageID
        if let done = try await s3.tags(bucket: location.bucket, key: key)[Self.handledTag] {
            logger.info("reply handled before; nothing sent again", metadata: ["handled": "\(done)"])
            return Self.summary(["duplicate": done])
        }
        let bytes = try await s3.object(bucket: location.bucket, key: key, maxBytes: ReplyIntake.maximumBytes)
        var outcomes: [String] = []
        for recipient in event.recipients {
            outcomes.append(try await handle(bytes, recipient: recipient, sender: event.source, context: context, logger: logger))
        }
        // S3 takes letters, digits, spaces and `_.:/=+-@%` in a tag's value, 256 at most.
        let done = String(outcomes.joined(separator: " ").filter { $0.isASCII && ($0.isLetter || $0.isNumber || " _.:/=+-@%".contains($0)) }.prefix(256))
        do {
            try await s3.setTags([Self.handledTag: done.isEmpty ? "handled" : done], bucket: location.bucket, key: key)
        } catch {
            // The SMS went out: failing now would make Lambda send it again.
            logger.error("cannot tag the reply email as handled; a retry of this invocation would send it again", metadata: ["error": "\(error)"])
        }
        return Self.summary(["handled": done])
    }

    /// One recipient of the email: checked, then sent. Returns a word for the object's tag.
    private func handle(_ bytes: [UInt8], recipient: String, sender: String, context: LambdaContext, logger: Logger) async throws -> String {
        let reply: OutboundReply
        do {
            reply = try intake.check(bytes, recipient: recipient, envelopeSender: sender, logger: logger)
        } catch {
            // The intake has logged why.
            if let notice = error.notice { await tell(notice, context: context, logger: logger) }
            return "refused"
        }
        let carrier = Carrier.displayName(ofTag: reply.carrier)
        guard let sender = senders[reply.carrier] else {
            let problem = "The relay has no \(carrier) API credentials to send it with."
            logger.error("no sender for the reply's carrier", metadata: ["carrier": "\(reply.carrier)"])
            await tell(ReplyNotice(.notSent, about: reply, reason: problem, key: "not-sent:\(reply.replyMessageID)"), context: context, logger: logger)
            return "not-sent"
        }
        let text = OutgoingText(from: reply.from, to: reply.to, body: reply.body)
        do {
            let sent = try await withDeadline(context.deadline - safetyMargin) { try await sender.send(text) }
            logger.info(
                "reply sent as SMS",
                metadata: [
                    "carrier": "\(reply.carrier)", "carrier_message_id": "\(sent.messageID)",
                    "segments": "\(SMSSegments.count(reply.body).segments)",
                ])
            if confirm {
                await tell(ReplyNotice(.sent, about: reply, reason: "\(carrier) took it as \(sent.messageID).", key: "sent:\(reply.replyMessageID)"),
                           context: context, logger: logger)
            }
            return sent.messageID.isEmpty ? "sent" : sent.messageID
        } catch let error as TextSendError where !error.isTransient {
            logger.error("the carrier refused the reply", metadata: ["carrier": "\(reply.carrier)", "error": "\(error.message)"])
            let answer = ReplyNotice.sentence(error.message)
            await tell(ReplyNotice(.notSent, about: reply, reason: "\(carrier) did not take it. Its answer: \(answer)", key: "not-sent:\(reply.replyMessageID)"),
                       context: context, logger: logger)
            return "not-sent"
        } catch {
            // Lambda tries the invocation again, and the object is not tagged: nothing is lost.
            logger.warning("the reply could not be sent now; Lambda will try again", metadata: ["error": "\(error)"])
            throw LambdaFunctionError(type: "SMSRelay.ReplyNotSent", message: "\(error)")
        }
    }

    /// Emails a notice within the invocation; a failure is logged, never retried (a retry
    /// could send the SMS again).
    private func tell(_ notice: ReplyNotice, context: LambdaContext, logger: Logger) async {
        let transport = self.transport
        do {
            let email = try composeNotice(notice)
            _ = try await withDeadline(context.deadline - safetyMargin) { try await transport.send(email) }
            logger.info("the replier was told", metadata: ["notice": "\(notice.kind.rawValue)"])
        } catch {
            logger.error("cannot email the notice to the replier", metadata: ["notice": "\(notice.kind.rawValue)", "error": "\(error)"])
        }
    }

    package static func summary(_ fields: [String: String]) -> [UInt8] {
        (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])).map(Array.init) ?? Array("{}".utf8)
    }
}

/// Lambda's one handler: SES receipt events are replies, everything else a carrier's callback.
package struct LambdaEventRouter: LambdaHandler {
    package let callbacks: CallbackLambdaHandler<SendNowSink>
    package let replies: SESReplyHandler?

    package func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
        let ses: SESReceiptEvent?
        do {
            ses = try SESReceiptEvent.decodeIfSES(event)
        } catch {
            throw LambdaFunctionError(type: "SMSRelay.InvalidEvent", message: error.description)
        }
        guard let ses else { return try await callbacks.handle(event, context: context) }
        guard let replies else {
            throw LambdaFunctionError(
                type: "SMSRelay.RepliesOff",
                message: "an SES reply event arrived, but replies are off: set \(SettingKey.replyDomain.environmentName) and \(SettingKey.replyS3Bucket.environmentName)")
        }
        return try await replies.handle(ses, context: context)
    }
}
