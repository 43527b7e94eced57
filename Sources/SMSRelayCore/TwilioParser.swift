import Foundation

/// Reads the body of a Twilio Messaging webhook: the form fields Twilio posts
/// (`application/x-www-form-urlencoded`) to a number's "A message comes in" URL and to a sent
/// message's status callback URL.
///
/// - An incoming message has `MessageSid` (older accounts also send `SmsMessageSid` and
///   `SmsSid`), `From`, `To`, `Body`, `NumMedia` with `MediaUrl0…`/`MediaContentType0…`, and
///   `SmsStatus` `received`; a body without a status but with `From` is taken as one too.
/// - A status callback has `MessageSid`, `MessageStatus` (`queued`, `sent`, `delivered`,
///   `undelivered`, `failed`, `read`, …) and, for a failure, `ErrorCode` and `ErrorMessage`; it
///   becomes a ``DeliveryReceipt``.
///
/// SignalWire's LaML messaging webhooks post the same fields and are read the same way.
///
/// Twilio's webhooks carry no time, so a message's time is its arrival. As for Flowroute, a body
/// is refused only when it cannot become an email: no message id or no sender. A voice webhook
/// (`CallSid`, no `MessageSid`) posted to the messaging URL by mistake is ignored.
public enum TwilioParser {
    /// The carrier name recorded on every message and receipt this parser returns.
    public static let carrier = Carrier.twilio.rawValue

    /// Twilio's limit of media items per MMS; more are not kept.
    public static let maximumMediaItems = 10

    static let idFields = ["MessageSid", "SmsMessageSid", "SmsSid"]
    static let inboundStatuses: Set<String> = ["received", "receiving"]

    /// Parses one webhook body.
    ///
    /// - Parameters:
    ///   - body: The raw request body, form-encoded.
    ///   - receivedAt: When the webhook arrived: the message's or receipt's time.
    public static func read(_ body: some Collection<UInt8>, receivedAt: Date) throws(PayloadError) -> ParsedCallback {
        let form = FormFields(parsing: body)
        let first = body.first(where: { !isBlank($0) })
        if form.isEmpty || first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            throw PayloadError.unknownShape(
                "expected Twilio's form fields (MessageSid, From, To, Body, …) as application/x-www-form-urlencoded"
            )
        }
        let fields = form.reader
        var notices: [ParseNotice] = []

        if !idFields.contains(where: fields.contains), fields.contains("CallSid") {
            return ParsedCallback(event: .ignored(reason: "a voice call webhook (CallSid); only messages are relayed"))
        }
        let id = try fields.first(of: idFields, fields.identifier)
        let status = fields.text(anyOf: ["MessageStatus", "SmsStatus"])?.trimmingBlanks().lowercased()

        let event: CarrierEvent
        if let status, !status.isEmpty, !inboundStatuses.contains(status) {
            event = .deliveryReceipt(DeliveryReceipt(
                carrier: carrier,
                messageID: id,
                status: status,
                statusCode: fields.trimmedText("ErrorCode"),
                statusDescription: fields.trimmedText("ErrorMessage"),
                timestamp: receivedAt
            ))
        } else {
            event = .message(InboundMessage(
                carrier: carrier,
                id: id,
                from: try fields.phoneNumber("From"),
                to: fields.optionalPhoneNumber("To", notices: &notices) ?? "",
                body: fields.text("Body") ?? "",
                receivedAt: receivedAt,
                media: media(form, notices: &notices)
            ))
        }
        return ParsedCallback(event: event, notices: notices)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }
}
