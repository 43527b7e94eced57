/// What the receiver asks of the application: whether to take a recipient, and what to do with a
/// message. It is called from the receiver's own tasks, for many connections at once.
///
/// The receiver never relays: a recipient is only ever a question for the delegate, and a message
/// is answered `250` only when the delegate took it.
public protocol SMTPReceiverDelegate: Sendable {
    /// RCPT TO: accept this recipient? Return ``SMTPVerdict/accept`` or a refusal, which the client
    /// gets as the reply to its RCPT command (``SMTPVerdict/noSuchUser(_:)`` for an unknown address).
    func recipient(_ address: String, session: SMTPSessionInfo) async -> SMTPVerdict

    /// After the final `.` of DATA: take the message for these (already accepted) recipients.
    ///
    /// `bytes` are the message exactly as the client sent it, line endings included, with the
    /// transparency dots removed and without the final `.` line. The receiver answers `250` only
    /// when this returns ``SMTPVerdict/accept``; a refusal is the client's reply as it is.
    func message(_ bytes: [UInt8], envelope: SMTPEnvelopeInfo, session: SMTPSessionInfo) async -> SMTPVerdict
}
