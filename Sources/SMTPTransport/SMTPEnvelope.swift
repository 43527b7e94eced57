/// What the state machine needs to know of a message: the envelope addresses and the facts about the
/// body that decide MAIL FROM's parameters (SIZE, BODY=8BITMIME) or refuse it before DATA.
public struct SMTPEnvelope: Sendable, Equatable {
    /// The reverse-path, `MAIL FROM:<sender>`; empty for the null sender.
    var sender: String
    /// The forward-paths, one `RCPT TO` each, in order and without duplicates.
    var recipients: [String]
    /// The message size in octets with CRLF line endings (RFC 1870).
    var messageSize: Int
    var containsEightBitData: Bool
    var longestLine: Int

    /// Recipients repeated (regardless of case) are kept once.
    public init(sender: String, recipients: [String], messageSize: Int = 0, containsEightBitData: Bool = false, longestLine: Int = 0) {
        self.sender = sender
        var seen: Set<String> = []
        self.recipients = recipients.filter { seen.insert($0.lowercased()).inserted }
        self.messageSize = messageSize
        self.containsEightBitData = containsEightBitData
        self.longestLine = longestLine
    }

    init(sender: String, recipients: [String], body: DotStuffing) {
        self.init(
            sender: sender,
            recipients: recipients,
            messageSize: body.messageSize,
            containsEightBitData: body.containsEightBitData,
            longestLine: body.longestLine
        )
    }
}
