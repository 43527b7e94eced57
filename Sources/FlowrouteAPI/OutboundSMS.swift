/// One text message to send from a number of the account.
///
/// Messaging API v2.1 takes numbers as digits only, without `+`: the country code and the
/// national number (E.164 without its `+`), which for the US and Canada is 11 digits starting
/// with `1`, e.g. `12065551234`. Flowroute's inbound callbacks use the same form, so a reply can
/// go to the number a text came from as it is. ``from`` must be a number on the account with SMS
/// enabled. The body is sent as given; Flowroute splits a long one into segments (see
/// ``SMSSegments``) that the phone joins again.
public struct OutboundSMS: Sendable, Equatable {
    /// The sending number, on the account, e.g. `12065551234`.
    public var from: String
    /// The recipient's number, e.g. `12065559876`.
    public var to: String
    /// The text. Flowroute refuses an empty one.
    public var body: String
    /// Where Flowroute posts the message's delivery receipts (`dlr_callback`); `nil` for the
    /// account's own SMS DLR callback, if it has one.
    public var deliveryReceiptURL: String?

    public init(from: String, to: String, body: String, deliveryReceiptURL: String? = nil) {
        self.from = from
        self.to = to
        self.body = body
        self.deliveryReceiptURL = deliveryReceiptURL
    }
}

extension OutboundSMS: CustomStringConvertible {
    /// The numbers and the length of the text, not the text: safe for debug logs.
    public var description: String {
        "OutboundSMS(from: \(from), to: \(to), body: \(body.count) characters\(deliveryReceiptURL == nil ? "" : ", with a DLR callback"))"
    }
}
