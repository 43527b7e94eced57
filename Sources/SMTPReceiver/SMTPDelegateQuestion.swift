/// A question for the delegate that a connection's handler cannot answer itself, and where the
/// answer goes. The server's task group asks; the answer comes back on the connection's event loop.
struct SMTPDelegateQuestion: Sendable {
    enum Kind: Sendable, Equatable {
        case recipient(String, SMTPSessionInfo)
        case message([UInt8], SMTPEnvelopeInfo, SMTPSessionInfo)
    }

    let kind: Kind
    /// Takes the verdict back to the connection; safe to call from any thread, once.
    let answer: @Sendable (SMTPVerdict) -> Void

    /// Asks `delegate` and passes on its verdict.
    func ask(_ delegate: any SMTPReceiverDelegate) async {
        let verdict: SMTPVerdict
        switch kind {
        case .recipient(let address, let session):
            verdict = await delegate.recipient(address, session: session)
        case .message(let bytes, let envelope, let session):
            verdict = await delegate.message(bytes, envelope: envelope, session: session)
        }
        answer(verdict)
    }
}
