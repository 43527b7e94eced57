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
/// `data.id` and `attributes.from` are required. `body` may be empty or absent on an MMS that
/// carries only media. A message whose `direction` is `outbound` (one of ours, sent) is
/// ignored; any other direction, or none, is taken as inbound, so that no text is lost to a
/// value the relay does not know.
extension FlowroutePayload {
    static func parseV2Message(
        _ root: JSONObjectReader,
        data: JSONObjectReader,
        receivedAt: Date,
        notices: inout [ParseNotice]
    ) throws(PayloadError) -> CarrierEvent {
        let id = try data.identifier("id")
        guard let attributes = data.lenientObject("attributes") else {
            throw data.fields["attributes"] == nil
                ? .missing(data.path(of: "attributes"))
                : data.mismatch("attributes", expected: "an object", found: data.fields["attributes"]!)
        }
        if let direction = attributes.text("direction")?.trimmingBlanks().lowercased(),
           direction == "outbound" || direction == "outgoing" {
            return .ignored(reason: "message \(JSONPath.quote(id)) is outbound; only inbound messages are relayed")
        }

        let from = try attributes.phoneNumber("from")
        let to = attributes.optionalPhoneNumber("to", notices: &notices) ?? ""
        let body = attributes.text("body") ?? ""
        let sentAt = attributes.timestamp("timestamp", notices: &notices) ?? receivedAt
        let media = parseMedia(root, data: data, notices: &notices)

        return .message(InboundMessage(
            carrier: FlowrouteParser.carrier,
            id: id,
            from: from,
            to: to,
            body: body,
            receivedAt: sentAt,
            media: media
        ))
    }
}
