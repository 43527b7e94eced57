import Foundation

/// Reads the body of a Flowroute messaging callback.
///
/// Understands every shape Flowroute posts to a callback URL:
/// - the legacy v1 inbound SMS, `{"to", "from", "body", "id"}`;
/// - the v2, v2.1 and v2.2 JSON:API inbound SMS and MMS, `{"data": {"type": "message", …}}`,
///   with MMS media resolved from `included`;
/// - the v2.1 and v2.2 delivery receipt, `{"data": {"type": "delivery_receipt", …}}`.
///
/// Anything else is refused with a ``PayloadError`` that names the JSON path
/// of the field at fault, ready to be sent back as a `400` answer.
public enum FlowrouteParser {
    /// The carrier name recorded on every message and receipt this parser returns.
    public static let carrier = "flowroute"

    /// Parses one callback body.
    ///
    /// - Parameters:
    ///   - body: The raw request body, expected to be UTF-8 JSON.
    ///   - receivedAt: When the callback arrived. Used as the message time when
    ///     the payload carries none (v1 never does).
    /// - Returns: The inbound message or the delivery receipt the body describes.
    /// - Throws: ``PayloadError`` when the body is not JSON, is not a Flowroute
    ///   shape, or has a missing, wrongly typed or invalid field.
    public static func parse(_ body: some Collection<UInt8>, receivedAt: Date) throws(PayloadError) -> CarrierEvent {
        let data = (body as? Data) ?? Data(body)
        let document = try JSONValue.parse(data)
        guard case let .object(fields) = document else {
            throw PayloadError(
                .wrongType,
                field: nil,
                "the body must be a JSON object, not \(document.kindDescription)"
            )
        }
        let root = JSONObjectReader(fields)

        switch FlowroutePayload.shape(of: root) {
        case .jsonAPI:
            return try FlowroutePayload.parseJSONAPI(root, receivedAt: receivedAt)
        case .legacyV1:
            return .message(try FlowroutePayload.parseV1(root, receivedAt: receivedAt))
        case .apiGatewayEvent:
            throw PayloadError.unknownShape(
                "this is an API Gateway proxy event, not a Flowroute callback; parse the string in its 'body' field"
            )
        case .unknown:
            throw PayloadError.unknownShape(
                "expected a Flowroute v1 message (to, from, body, id) or a v2 JSON:API document with a 'data' object"
            )
        }
    }
}

/// The Flowroute callback formats; each has its own file.
enum FlowroutePayload {
    enum Shape {
        case legacyV1
        case jsonAPI
        case apiGatewayEvent
        case unknown
    }

    private static let legacyV1Keys = ["to", "from", "body", "id"]

    /// Which format a top-level object is, judged by its keys alone so that a
    /// v1 body with a bad field is reported as such, not as an unknown shape.
    static func shape(of root: JSONObjectReader) -> Shape {
        if root.contains("data") { return .jsonAPI }
        if root.contains("httpMethod"), case .string? = root.fields["body"] { return .apiGatewayEvent }
        if legacyV1Keys.contains(where: root.contains) { return .legacyV1 }
        return .unknown
    }

    /// A v2.x JSON:API document: `data.type` says whether it is a message or a receipt.
    static func parseJSONAPI(_ root: JSONObjectReader, receivedAt: Date) throws(PayloadError) -> CarrierEvent {
        let data = try root.object("data")
        let type = try data.string("type")
        switch type {
        case "message":
            return .message(try parseV2Message(root, data: data, receivedAt: receivedAt))
        case "delivery_receipt":
            return .deliveryReceipt(try parseReceipt(data, receivedAt: receivedAt))
        default:
            throw PayloadError.invalid(
                data.path(of: "type"),
                "is \(JSONPath.quote(type)); expected \"message\" or \"delivery_receipt\""
            )
        }
    }
}
