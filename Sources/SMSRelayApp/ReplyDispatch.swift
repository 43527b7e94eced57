import CarrierAPI
import MailKit
import SMSRelayCore
import SMSRelayLambdaApp

/// What the delivery worker needs to send the outbox's replies and notices.
struct ReplyDispatch: Sendable {
    /// Sends replies as SMS, by carrier tag; a reply whose carrier has none stays pending.
    let senders: [String: any TextSender]
    /// Where each carrier posts the delivery receipts of a reply (Flowroute's `dlr_callback`,
    /// Twilio's `StatusCallback`, Telnyx's `webhook_url`): the relay's own callback URL of that
    /// carrier, when its public URL is configured (a carrier cannot reach a derived one).
    let deliveryReceiptURL: @Sendable (String) -> String?
    /// Whether a sent reply is confirmed by email.
    let confirm: Bool
    /// Renders a notice to the person who replied.
    let composeNotice: @Sendable (ReplyNotice) throws -> Email
}
