/// What Flowroute answered when it took a message.
public struct FlowrouteSendReceipt: Sendable, Equatable {
    /// The message detail record id Flowroute gave the message, `mdr2-` and 32 hex digits; its
    /// delivery receipts and the MDR lookup (`GET /v2.1/messages/{id}`) carry the same id. Empty
    /// in the unlikely case that Flowroute accepted the message without naming it.
    public var messageID: String

    public init(messageID: String) {
        self.messageID = messageID
    }
}
