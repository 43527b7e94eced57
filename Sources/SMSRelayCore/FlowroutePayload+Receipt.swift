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
/// `data.id` is the id of the sent message. Flowroute documents `status_code`
/// as a string but shows integers and `null` in its message records, so all
/// three are accepted.
extension FlowroutePayload {
    static func parseReceipt(_ data: JSONObjectReader, receivedAt: Date) throws(PayloadError) -> DeliveryReceipt {
        let messageID = try data.identifier("id")
        let attributes = try data.object("attributes")
        let status = try attributes.string("status")
        let statusCode = try attributes.optionalCode("status_code")
        let statusDescription = try attributes.optionalString("status_code_description")
        _ = try attributes.optionalNonNegativeInteger("level")  // 1: handed to the carrier; 2: later steps
        _ = try attributes.optionalString("body")
        let timestamp = try attributes.optionalTimestamp("timestamp") ?? receivedAt

        return DeliveryReceipt(
            carrier: FlowrouteParser.carrier,
            messageID: messageID,
            status: status,
            statusCode: statusCode,
            statusDescription: statusDescription,
            timestamp: timestamp
        )
    }
}
