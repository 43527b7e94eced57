import FlowrouteAPI

/// A ``TextSender`` for Flowroute: the ``FlowrouteClient`` it is given, its rate limit and errors,
/// behind the common interface. Flowroute sends to one recipient a message.
public final class FlowrouteTextSender: TextSender {
    public let carrier = "flowroute"
    public let supportsGroups = false
    public let client: FlowrouteClient

    public init(client: FlowrouteClient) {
        self.client = client
    }

    public var endpointDescription: String { client.endpoint }

    public func send(_ text: OutgoingText) async throws(TextSendError) -> SentText {
        try checkRecipients(of: text, carrierName: "Flowroute")
        let sms = OutboundSMS(
            from: Self.digits(text.from), to: Self.digits(text.to[0]), body: text.body, deliveryReceiptURL: text.statusCallbackURL)
        do {
            return SentText(messageID: try await client.send(sms).messageID)
        } catch {
            throw TextSendError(error.kind == .transient ? .transient : .permanent, status: error.status, error.message, code: error.errorID)
        }
    }

    /// The number as Flowroute takes it: digits, without `+`.
    static func digits(_ number: String) -> String {
        number.hasPrefix("+") ? String(number.dropFirst()) : number
    }
}
