import Foundation

/// `message-delivered` and `message-failed`, about a message sent from one of our numbers:
/// `message.id` is required. The status is the callback type; a failure's `errorCode` and
/// `description` are the code and explanation. The time is the callback's `time`, else
/// `message.time`, else the arrival.
extension BandwidthCallback {
    static func receipt(_ callback: JSONObjectReader, type: String, receivedAt: Date, notices: inout [ParseNotice]) throws(PayloadError) -> DeliveryReceipt {
        let message = try callback.object("message")
        let time = callback.timestamp("time", notices: &notices)
            ?? message.timestamp("time", notices: &notices)
            ?? receivedAt
        return DeliveryReceipt(
            carrier: BandwidthParser.carrier,
            messageID: try message.identifier("id"),
            status: type,
            statusCode: callback.trimmedText("errorCode"),
            statusDescription: callback.trimmedText("description"),
            timestamp: time
        )
    }
}
