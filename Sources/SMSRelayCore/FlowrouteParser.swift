import Foundation

/// Reads the body of a Flowroute messaging callback.
///
/// Understands every shape Flowroute posts to a callback URL:
/// - the legacy v1 inbound SMS, `{"to", "from", "body", "id"}`;
/// - the v2, v2.1 and v2.2 JSON:API inbound SMS and MMS, `{"data": {"type": "message", …}}`,
///   with MMS media resolved from `included`;
/// - the v2.1 and v2.2 delivery receipt, `{"data": {"type": "delivery_receipt", …}}`.
///
/// It reads liberally: a refused callback is a lost text, so a body is refused (with a
/// ``PayloadError`` that names the field) only when it cannot become an email at all — it is not
/// JSON, or has no message id, or no sender number. Numbers may come as strings or integers,
/// flags and sizes as strings, times in several forms; fields the relay does not use are never
/// looked at. What it read past is listed in ``ParsedCallback/notices``. An outbound message or
/// an event type the relay does not handle is ``CarrierEvent/ignored(reason:)``.
public enum FlowrouteParser {
    /// The carrier name recorded on every message and receipt this parser returns.
    public static let carrier = "flowroute"

    /// Flowroute's limit of media items per MMS; more are not kept.
    public static let maximumMediaItems = 10

    /// Parses one callback body.
    ///
    /// - Parameters:
    ///   - body: The raw request body, expected to be UTF-8 JSON.
    ///   - receivedAt: When the callback arrived. Used as the message time when
    ///     the payload carries none that can be read (v1 never does).
    public static func read(_ body: some Collection<UInt8>, receivedAt: Date) throws(PayloadError) -> ParsedCallback {
        let document = try JSONValue.parse(body)
        guard case let .object(fields) = document else {
            throw PayloadError(.wrongType, field: nil, "the body must be a JSON object, not \(document.kindDescription)")
        }
        let root = JSONObjectReader(fields)
        var notices: [ParseNotice] = []
        let event: CarrierEvent
        switch FlowroutePayload.shape(of: root) {
        case .jsonAPI:
            event = try FlowroutePayload.parseJSONAPI(root, receivedAt: receivedAt, notices: &notices)
        case .legacyV1:
            event = .message(try FlowroutePayload.parseV1(root, receivedAt: receivedAt, notices: &notices))
        case .unknown:
            throw PayloadError.unknownShape(
                "expected a Flowroute v1 message (to, from, body, id) or a v2 JSON:API document with a 'data' object"
            )
        }
        return ParsedCallback(event: event, notices: notices)
    }

    /// ``read(_:receivedAt:)`` without the notices.
    public static func parse(_ body: some Collection<UInt8>, receivedAt: Date) throws(PayloadError) -> CarrierEvent {
        try read(body, receivedAt: receivedAt).event
    }
}

/// The Flowroute callback formats; each has its own file.
enum FlowroutePayload {
    enum Shape {
        case legacyV1
        case jsonAPI
        case unknown
    }

    private static let legacyV1Keys = ["to", "from", "body", "id"]

    /// Which format a top-level object is, judged by its keys alone so that a
    /// v1 body with a bad field is reported as such, not as an unknown shape.
    static func shape(of root: JSONObjectReader) -> Shape {
        if root.contains("data") { return .jsonAPI }
        if legacyV1Keys.contains(where: root.contains) { return .legacyV1 }
        return .unknown
    }

    /// A v2.x JSON:API document: `data.type` says whether it is a message or a receipt; without
    /// a type, a document whose attributes name a sender is taken as a message.
    static func parseJSONAPI(_ root: JSONObjectReader, receivedAt: Date, notices: inout [ParseNotice]) throws(PayloadError) -> CarrierEvent {
        let data = try root.object("data")
        let attributes = data.lenientObject("attributes")
        let type = data.text("type")?.trimmingBlanks().lowercased()
        switch type {
        case "message", "messages":
            break
        case "delivery_receipt", "delivery_receipts":
            return .deliveryReceipt(try parseReceipt(data, receivedAt: receivedAt, notices: &notices))
        case let other?:
            return .ignored(reason: "data.type \(JSONPath.quote(other)) is not a message or a delivery receipt")
        case nil:
            guard attributes?.contains("from") == true else {
                throw data.fields["type"] == nil ? .missing(data.path(of: "type")) : data.mismatch("type", expected: "a string", found: data.fields["type"]!)
            }
        }
        return try parseV2Message(root, data: data, receivedAt: receivedAt, notices: &notices)
    }
}
