import Foundation
import SMSRelayCore

extension InboundMessage {
    /// A Flowroute MMS with one picture, for tests that need a message and not a particular one.
    public static func sample(_ id: String = "mdr2-1", body: String = "hello") -> InboundMessage {
        InboundMessage(
            carrier: "flowroute", id: id, from: "12065550199", to: "12065550100", body: body,
            receivedAt: Date(timeIntervalSince1970: 1_700_000_000),
            media: [MediaItem(url: "https://example.com/a.jpg", fileName: "a.jpg", mimeType: "image/jpeg", fileSize: 12)])
    }
}
