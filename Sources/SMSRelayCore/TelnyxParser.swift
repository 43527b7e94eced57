import Foundation

/// Reads the body of a Telnyx messaging webhook (API v2), a JSON event:
///
/// ```json
/// {"data": {"record_type": "event", "event_type": "message.received", "id": "…", "occurred_at": "…",
///           "payload": {"id", "direction", "type", "from": {"phone_number"}, "to": [{"phone_number", "status"}],
///                       "cc": [{"phone_number"}], "text", "media": [{"url", "content_type", "size"}], "received_at", "errors"}},
///  "meta": {"attempt", "delivered_to"}}
/// ```
///
/// - `message.received` is an inbound SMS or MMS; for a group MMS, ``InboundMessage/to`` is the
///   first `to` number and the other `to` and `cc` numbers are its ``InboundMessage/groupRecipients``.
/// - `message.sent` and `message.finalized` are the steps of a message we sent, read as a
///   ``DeliveryReceipt`` with the recipient's status and the first of `errors`.
/// - Any other event type is ``CarrierEvent/ignored(reason:)``.
///
/// As for Flowroute, a body is refused only when it cannot become an email: not a JSON object,
/// no `data`, no message id, no sender.
public enum TelnyxParser {
    /// The carrier name recorded on every message and receipt this parser returns.
    public static let carrier = Carrier.telnyx.rawValue

    /// Telnyx's limit of media items per MMS; more are not kept.
    public static let maximumMediaItems = 10

    /// Parses one webhook body.
    ///
    /// - Parameters:
    ///   - body: The raw request body, UTF-8 JSON.
    ///   - receivedAt: When the webhook arrived; the time of a message or receipt whose payload
    ///     carries none that can be read.
    public static func read(_ body: some Collection<UInt8>, receivedAt: Date) throws(PayloadError) -> ParsedCallback {
        let document = try JSONValue.parse(body)
        guard case let .object(fields) = document else {
            throw PayloadError(.wrongType, field: nil, "the body must be a JSON object, not \(document.kindDescription)")
        }
        let root = JSONObjectReader(fields)
        guard root.contains("data") else {
            throw .unknownShape("expected a Telnyx v2 webhook event, {\"data\": {\"event_type\", \"payload\"}}")
        }
        let data = try root.object("data")
        var notices: [ParseNotice] = []
        let event = try TelnyxEvent.read(data, receivedAt: receivedAt, notices: &notices)
        return ParsedCallback(event: event, notices: notices)
    }
}

/// The Telnyx event kinds; each has its own file.
enum TelnyxEvent {
    static func read(
        _ data: JSONObjectReader,
        carrier: String = TelnyxParser.carrier,
        receivedAt: Date,
        notices: inout [ParseNotice]
    ) throws(PayloadError) -> CarrierEvent {
        let type = data.text("event_type")?.trimmingBlanks().lowercased()
        let payload = data.lenientObject("payload")
        switch type {
        case "message.received":
            break
        case "message.sent", "message.finalized":
            let payload = try data.object("payload")
            return .deliveryReceipt(try receipt(payload, event: data, carrier: carrier, receivedAt: receivedAt, notices: &notices))
        case let other?:
            return .ignored(reason: "event_type \(JSONPath.quote(other)) is not a received message or a delivery status")
        case nil:
            // Without an event type, a payload that names a sender and is not outbound is a message.
            let direction = payload?.text("direction")?.lowercased()
            guard payload?.contains("from") == true, direction != "outbound" else {
                throw data.fields["event_type"] == nil
                    ? .missing(data.path(of: "event_type"))
                    : data.mismatch("event_type", expected: "a string", found: data.fields["event_type"]!)
            }
        }
        return .message(try message(try data.object("payload"), event: data, carrier: carrier, receivedAt: receivedAt, notices: &notices))
    }

    /// A number given as `{"phone_number": …}`, or as a bare string or integer.
    static func phoneNumber(_ value: JSONValue?) -> String? {
        switch value {
        case .object(let fields)?:
            return fields["phone_number"].flatMap(JSONObjectReader.phoneNumber(in:))
        case let value?:
            return JSONObjectReader.phoneNumber(in: value)
        case nil:
            return nil
        }
    }

    /// The entries of a list of recipients (`to`, `cc`): an array, or a single entry.
    static func entries(_ value: JSONValue?) -> [JSONValue] {
        switch value {
        case .array(let elements)?: elements
        case .null?, nil: []
        case let value?: [value]
        }
    }
}
