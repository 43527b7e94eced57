import Foundation

/// The v2.1 / v2.2 delivery receipt (DLR) callback, posted for each step of a
/// message sent from one of our numbers:
///
/// ```json
/// {"data": {"type": "delivery_receipt", "id": "mdr2-…",
///           "attributes": {"body", "level", "status", "status_code", "status_code_description", "timestamp"},
///           "links": {"related": "https://api.flowroute.com/v2.2/messages/mdr2-…"}}}
/// ```
///
/// `data.id` is the id of the sent message, and the one field required. `status_code` comes as
/// a string, an integer or `null`; every attribute is read as text if it can be.
extension FlowroutePayload {
    static func parseReceipt(_ data: JSONObjectReader, receivedAt: Date, notices: inout [ParseNotice]) throws(PayloadError) -> DeliveryReceipt {
        let messageID = try data.identifier("id")
        let attributes = data.lenientObject("attributes") ?? JSONObjectReader([:], path: data.path(of: "attributes"))
        return DeliveryReceipt(
            carrier: FlowrouteParser.carrier,
            messageID: messageID,
            status: attributes.text("status") ?? "unknown",
            statusCode: attributes.text("status_code"),
            statusDescription: attributes.text("status_code_description"),
            timestamp: attributes.timestamp("timestamp", notices: &notices) ?? receivedAt
        )
    }
}
