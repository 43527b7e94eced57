import Foundation

/// The legacy v1 inbound SMS callback, a flat object:
///
/// ```json
/// {"to": "12066418000", "body": "Hello there from Flowroute!", "from": "18553569768", "id": "mdr1-…"}
/// ```
///
/// It carries no timestamp, so the message time is the arrival time. `id` and `from` are
/// required; `to` and `body` are read if they can be.
extension FlowroutePayload {
    static func parseV1(_ root: JSONObjectReader, receivedAt: Date, notices: inout [ParseNotice]) throws(PayloadError) -> InboundMessage {
        let id = try root.identifier("id")
        let from = try root.phoneNumber("from")
        let to = root.optionalPhoneNumber("to", notices: &notices) ?? ""
        let body = root.text("body") ?? ""
        return InboundMessage(
            carrier: FlowrouteParser.carrier,
            id: id,
            from: from,
            to: to,
            body: body,
            receivedAt: root.timestamp("timestamp", notices: &notices) ?? receivedAt
        )
    }
}
