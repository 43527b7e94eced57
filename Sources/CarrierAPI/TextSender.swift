/// Something that sends texts through one carrier's API.
///
/// Every failure is a ``TextSendError`` that says whether a retry can help; none contains a
/// credential, whether it is thrown, described or logged.
public protocol TextSender: Sendable {
    /// The carrier, as the relay names it: `flowroute`, `twilio`, `telnyx`, `bandwidth` or `voipms`.
    var carrier: String { get }
    /// Whether ``OutgoingText/to`` may hold more than one number.
    var supportsGroups: Bool { get }
    /// Where the texts go, for logs and `config check`: the API's address, never a secret.
    var endpointDescription: String { get }
    /// Sends `text`.
    ///
    /// - Returns: the carrier's id for the message, once the carrier has taken it.
    /// - Throws: ``TextSendError``: permanent when the carrier refused the credentials, a number
    ///   or the text; transient for rate limits, server errors, timeouts, network failures and
    ///   cancellation.
    func send(_ text: OutgoingText) async throws(TextSendError) -> SentText
}

extension TextSender {
    /// Refuses a text no request could send: no recipient, or several where the carrier takes one.
    func checkRecipients(of text: OutgoingText, carrierName: String, groupLimit: Int? = nil) throws(TextSendError) {
        if text.to.isEmpty {
            throw TextSendError(.permanent, "the text has no recipient; nothing was sent through \(carrierName)")
        }
        if text.to.count > 1, !supportsGroups {
            throw TextSendError(
                .permanent,
                "\(carrierName) cannot send a group text (\(text.to.count) recipients); the relay sends through \(carrierName) "
                    + "to one number at a time")
        }
        if let groupLimit, text.to.count > groupLimit {
            throw TextSendError(
                .permanent,
                "\(carrierName) sends a group text to at most \(groupLimit) recipients, not \(text.to.count); nothing was sent")
        }
    }
}
