import FlowrouteAPI
import MailKit
import SMSRelayCore
import SMSRelayLambdaApp

/// What the delivery worker needs to send the outbox's replies and notices.
struct ReplyDispatch: Sendable {
    /// Sends replies as SMS; nil without Flowroute's keys, when replies stay pending.
    let sms: FlowrouteClient?
    /// Given to Flowroute as each SMS's `dlr_callback`: the relay's own callback URL, when its
    /// public URL is configured (Flowroute cannot reach a derived one).
    let deliveryReceiptURL: String?
    /// Whether a sent reply is confirmed by email.
    let confirm: Bool
    /// Renders a notice to the person who replied.
    let composeNotice: @Sendable (ReplyNotice) throws -> Email
}
