import Foundation

/// The legacy v1 inbound SMS callback, a flat object:
///
/// ```json
/// {"to": "12066418000", "body": "Hello there from Flowroute!", "from": "18553569768", "id": "mdr1-…"}
/// ```
///
/// It carries no timestamp, so the message time is the arrival time.
extension FlowroutePayload {
    static func parseV1(_ root: JSONObjectReader, receivedAt: Date) throws(PayloadError) -> InboundMessage {
        let id = try root.identifier("id")
        let to = try root.phoneNumber("to")
        let from = try root.phoneNumber("from")
        let body = try root.string("body")
        return InboundMessage(
            carrier: FlowrouteParser.carrier,
            id: id,
            from: from,
            to: to,
            body: body,
            receivedAt: receivedAt
        )
    }
}
