import Foundation

/// The v2 / v2.1 / v2.2 inbound SMS and MMS callback, a JSON:API document:
///
/// ```json
/// {"data": {"type": "message", "id": "mdr2-…",
///           "attributes": {"to", "from", "body", "direction", "timestamp", "is_mms", …},
///           "relationships": {"media": {"data": [{"type": "media", "id": "…"}]}}},
///  "included": [{"type": "media", "id": "…", "attributes": {"url", "file_name", "mime_type", "file_size"}}]}
/// ```
///
/// `body` may be empty or absent on an MMS that carries only media. A missing
/// `direction` is taken as inbound; any other direction is refused, since
/// only messages sent to our numbers are relayed.
extension FlowroutePayload {
    static func parseV2Message(
        _ root: JSONObjectReader,
        data: JSONObjectReader,
        receivedAt: Date
    ) throws(PayloadError) -> InboundMessage {
        let id = try data.identifier("id")
        let attributes = try data.object("attributes")

        if let direction = try attributes.optionalString("direction"), direction.lowercased() != "inbound" {
            throw PayloadError.invalid(
                attributes.path(of: "direction"),
                "is \(JSONPath.quote(direction)); only inbound messages are relayed"
            )
        }

        let to = try attributes.phoneNumber("to")
        let from = try attributes.phoneNumber("from")
        let body = try attributes.optionalString("body") ?? ""
        _ = try attributes.optionalBool("is_mms")  // type-checked only; media decide what the email carries
        let sentAt = try attributes.optionalTimestamp("timestamp") ?? receivedAt
        let media = try parseMedia(root, data: data)

        return InboundMessage(
            carrier: FlowrouteParser.carrier,
            id: id,
            from: from,
            to: to,
            body: body,
            receivedAt: sentAt,
            media: media
        )
    }
}
