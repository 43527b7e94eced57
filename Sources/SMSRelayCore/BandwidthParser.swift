import Foundation

/// Reads the body of a Bandwidth Messaging API v2 webhook: a JSON array of callbacks, each
///
/// ```json
/// {"type": "message-received", "time": "…", "description": "…", "to": "+1…",
///  "message": {"id", "time", "to": ["+1…"], "from", "text", "applicationId", "media": ["https://…"],
///              "owner", "direction": "in", "segmentCount"}}
/// ```
///
/// - `message-received` is an inbound SMS or MMS. The callback's `to` is our number that got it;
///   for a group message, the other numbers of `message.to` are its
///   ``InboundMessage/groupRecipients``. Bandwidth posts one callback, with its own message id,
///   per number of ours in a group; the group message is kept under one key (the sender and the
///   time), so it is one email.
/// - `message-delivered` and `message-failed` (with `errorCode` and `description`) are about a
///   message we sent, read as a ``DeliveryReceipt``.
/// - Any other type (`message-sending`, `message-read`, …) is ``CarrierEvent/ignored(reason:)``.
///
/// Every element becomes one event, in order; an empty array is ignored. The body is refused
/// when it is not an array, or has an element that cannot become a message or receipt (no message id, no sender):
/// Bandwidth then posts the whole batch again, and the outbox keeps each message once.
public enum BandwidthParser {
    /// The carrier name recorded on every message and receipt this parser returns.
    public static let carrier = Carrier.bandwidth.rawValue

    /// The most media items kept per MMS.
    public static let maximumMediaItems = 10

    /// Parses one webhook body.
    ///
    /// - Parameters:
    ///   - body: The raw request body, a UTF-8 JSON array.
    ///   - receivedAt: When the webhook arrived; the time of an event that carries none that can
    ///     be read.
    public static func read(_ body: some Collection<UInt8>, receivedAt: Date) throws(PayloadError) -> ParsedCallback {
        let document = try JSONValue.parse(body)
        guard case let .array(elements) = document else {
            throw PayloadError(.wrongType, field: nil, "the body must be a JSON array of Bandwidth callbacks, not \(document.kindDescription)")
        }
        guard !elements.isEmpty else {
            // Nothing to keep and nothing wrong: answered 200, so that it is not sent again.
            return ParsedCallback(event: .ignored(reason: "an empty array: no Bandwidth callback in it"))
        }
        var notices: [ParseNotice] = []
        var events: [CarrierEvent] = []
        for (index, element) in elements.enumerated() {
            let path = JSONPath.appending(index: index, to: "")
            guard case let .object(fields) = element else {
                throw PayloadError(.wrongType, field: path, "field '\(path)' must be an object, not \(element.kindDescription)")
            }
            events.append(try BandwidthCallback.read(JSONObjectReader(fields, path: path), receivedAt: receivedAt, notices: &notices))
        }
        return ParsedCallback(events: events, notices: notices)
    }
}

/// One element of a Bandwidth webhook; the message and the receipt have their own files.
enum BandwidthCallback {
    static func read(_ callback: JSONObjectReader, receivedAt: Date, notices: inout [ParseNotice]) throws(PayloadError) -> CarrierEvent {
        let type = callback.text("type")?.trimmingBlanks().lowercased()
        switch type {
        case "message-received":
            break
        case "message-delivered", "message-failed":
            return .deliveryReceipt(try receipt(callback, type: type!, receivedAt: receivedAt, notices: &notices))
        case let other?:
            return .ignored(reason: "callback type \(JSONPath.quote(other)) is not a received message or a delivery status")
        case nil:
            // Without a type, a message whose direction is "in" is taken as received.
            guard callback.lenientObject("message")?.text("direction")?.lowercased() == "in" else {
                throw callback.fields["type"] == nil
                    ? .missing(callback.path(of: "type"))
                    : callback.mismatch("type", expected: "a string", found: callback.fields["type"]!)
            }
        }
        return .message(try message(callback, receivedAt: receivedAt, notices: &notices))
    }
}
