/// One text to send through a carrier.
///
/// Numbers are E.164 digits without `+`, as the relay stores them (`12065551234`); each client
/// writes them as its API wants them. ``description`` shows the numbers and the length of the
/// text, never the text: safe for debug logs.
public struct OutgoingText: Sendable, Equatable {
    /// Our number, on the carrier's account, e.g. `12065551234`.
    public var from: String
    /// The recipients; more than one is a group text, which only some carriers send
    /// (``TextSender/supportsGroups``).
    public var to: [String]
    /// The text.
    public var body: String
    /// Where the carrier posts the message's delivery status, where its API takes one per message;
    /// `nil` for the account's or application's own.
    public var statusCallbackURL: String?

    public init(from: String, to: [String], body: String, statusCallbackURL: String? = nil) {
        self.from = from
        self.to = to
        self.body = body
        self.statusCallbackURL = statusCallbackURL
    }

    /// A text to one recipient.
    public init(from: String, to: String, body: String, statusCallbackURL: String? = nil) {
        self.init(from: from, to: [to], body: body, statusCallbackURL: statusCallbackURL)
    }
}

extension OutgoingText: CustomStringConvertible {
    public var description: String {
        "OutgoingText(from: \(from), to: \(to.joined(separator: ", ")), body: \(body.count) characters"
            + "\(statusCallbackURL == nil ? "" : ", with a status callback"))"
    }
}

/// What a carrier answered when it took a text.
public struct SentText: Sendable, Equatable {
    /// The carrier's id for the message, as its status callbacks name it. Empty in the unlikely
    /// case that the carrier took the message without naming it.
    public var messageID: String

    public init(messageID: String) {
        self.messageID = messageID
    }
}
