import Foundation

/// The JSON:API body of `POST /v2.1/messages` for an SMS:
///
/// ```json
/// {"data": {"type": "message",
///           "attributes": {"to": "12065559876", "from": "12065551234", "body": "…", "dlr_callback": "https://…"}}}
/// ```
///
/// `dlr_callback` is left out when there is none. `is_mms` and `media_urls` are for MMS only: a
/// message without them is an SMS.
struct MessageDocument: Encodable, Equatable {
    var sms: OutboundSMS

    private enum Keys: String, CodingKey {
        case data, type, attributes
        case to, from, body, dlrCallback = "dlr_callback"
    }

    func encode(to encoder: any Encoder) throws {
        var top = encoder.container(keyedBy: Keys.self)
        var data = top.nestedContainer(keyedBy: Keys.self, forKey: .data)
        try data.encode("message", forKey: .type)
        var attributes = data.nestedContainer(keyedBy: Keys.self, forKey: .attributes)
        try attributes.encode(sms.to, forKey: .to)
        try attributes.encode(sms.from, forKey: .from)
        try attributes.encode(sms.body, forKey: .body)
        try attributes.encodeIfPresent(sms.deliveryReceiptURL, forKey: .dlrCallback)
    }

    /// The body to send: compact UTF-8 JSON, keys sorted, so one message always gives the same bytes.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}

/// The part of the answer to a send that matters: `{"data": {"id": "mdr2-…", "type": "message", …}}`.
struct MessageAccepted: Decodable, Equatable {
    struct Resource: Decodable, Equatable {
        var id: String?
    }

    var data: Resource?

    /// The message id in `body`, or `nil` when it has none.
    static func messageID(in body: [UInt8]) -> String? {
        guard let id = (try? JSONDecoder().decode(MessageAccepted.self, from: Data(body)))?.data?.id, !id.isEmpty else { return nil }
        return id
    }
}
