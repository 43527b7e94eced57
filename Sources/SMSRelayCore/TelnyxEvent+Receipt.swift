import Foundation

/// `message.sent` and `message.finalized`: a message sent from one of our numbers was handed to
/// the carrier, or reached its final state. `payload.id` (the sent message's id) is required.
///
/// The status is that of the first recipient, `payload.to[0].status` (`sent`, `delivered`,
/// `sending_failed`, `delivery_failed`, `delivery_unconfirmed`), else the event type; the code
/// and explanation are those of the first of `payload.errors` (`code`, `title`, `detail`). The
/// time is `completed_at`, `sent_at`, the event's `occurred_at` or the arrival, the first readable.
extension TelnyxEvent {
    static func receipt(
        _ payload: JSONObjectReader,
        event: JSONObjectReader,
        carrier: String,
        receivedAt: Date,
        notices: inout [ParseNotice]
    ) throws(PayloadError) -> DeliveryReceipt {
        let id = try payload.identifier("id")
        let recipient = payload.lenientObjects("to").first
        let status = recipient?.trimmedText("status") ?? event.trimmedText("event_type") ?? "unknown"
        let error = payload.lenientObjects("errors").first
        let title = error?.trimmedText("title")
        let detail = error?.trimmedText("detail")
        let description: String? = switch (title, detail) {
        case let (title?, detail?) where title != detail: "\(title): \(detail)"
        case let (title, detail): title ?? detail
        }
        let time = payload.timestamp("completed_at", notices: &notices)
            ?? payload.timestamp("sent_at", notices: &notices)
            ?? event.timestamp("occurred_at", notices: &notices)
            ?? receivedAt
        return DeliveryReceipt(
            carrier: carrier,
            messageID: id,
            status: status,
            statusCode: error?.trimmedText("code"),
            statusDescription: description,
            timestamp: time
        )
    }
}
