import Foundation
import Logging
import ReplyAddress
import SMTPReceiver
import SMSRelayLambdaApp

/// What the embedded SMTP receiver asks the relay: a recipient is accepted only when it is a
/// reply address of ours whose code is right (never an open relay), and a message is answered
/// 250 only once its reply is stored.
struct ReplyReceiverDelegate: SMTPReceiverDelegate {
    let codec: ReplyAddressCodec
    let intake: ReplyIntake
    /// Wakes the delivery worker once a reply or a notice is stored.
    let onStored: @Sendable () -> Void
    let logger: Logger

    func recipient(_ address: String, session: SMTPSessionInfo) async -> SMTPVerdict {
        do {
            _ = try codec.decode(address)
            return .accept
        } catch {
            logger.notice(
                "SMTP recipient refused", metadata: ["client_address": "\(session.clientAddress)", "reason": "\(error.message)"])
            return error.kind == .forged ? .noSuchUser("No such reply address (its code does not match)") : .noSuchUser("No such user here")
        }
    }

    func message(_ bytes: [UInt8], envelope: SMTPEnvelopeInfo, session: SMTPSessionInfo) async -> SMTPVerdict {
        var logger = self.logger
        logger[metadataKey: "client_address"] = "\(session.clientAddress)"
        logger[metadataKey: "envelope_sender"] = "\(envelope.sender)"
        var refusal: ReplyRefusal?
        for recipient in envelope.recipients {
            do {
                _ = try await intake.take(bytes, recipient: recipient, envelopeSender: envelope.sender, logger: logger)
            } catch {
                // A temporary failure wins: the sender tries the whole message again, and what
                // was stored is not stored twice (the reply's Message-ID).
                if refusal == nil || error.kind == .temporary { refusal = error }
            }
        }
        // A reply, or the notice of a refused one, may wait in the outbox.
        onStored()
        return refusal.map(Self.verdict(for:)) ?? .accept
    }

    /// The SMTP answer to a refusal: 451 when it may work later, else 5xx with the reason, so
    /// that the sending server's bounce tells the person why.
    static func verdict(for refusal: ReplyRefusal) -> SMTPVerdict {
        switch refusal.kind {
        case .temporary: .temporaryFailure(refusal.message)
        case .notAllowed: .refuse(code: 550, enhanced: "5.7.1", text: refusal.message)
        case .noSuchAddress: .noSuchUser(refusal.message)
        case .unreadable, .content, .automatic: .permanentFailure(refusal.message)
        }
    }
}
