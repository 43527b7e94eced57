/// Builds the Message-ID of the email for one carrier message.
public enum MessageID {
    /// The domain used when the sender address has none, or one that cannot appear in a Message-ID.
    public static let fallbackDomain = "smsrelay.invalid"

    /// A Message-ID (without angle brackets) that depends only on its arguments, so a retried
    /// callback for the same carrier message produces the same id and mail clients can thread
    /// or de-duplicate it.
    ///
    /// The result is `smsrelay.<carrier>.<id>@<domain>`, made only of RFC 5322 `dot-atom-text`:
    /// any byte of the carrier or id that is not `atext` (and `.` and `%` themselves) is written
    /// as `%XX`, so odd or hostile ids stay stable and cannot break the header. An empty part is
    /// written as a lone `%`. Parts longer than 100 characters once encoded are cut and end with a
    /// hash of the whole part. The domain is lower-cased; when it is empty or not a dot-atom it is
    /// replaced by ``fallbackDomain``.
    public static func make(carrier: String, carrierMessageID: String, domain: String) -> String {
        let left = "smsrelay." + encodePart(carrier) + "." + encodePart(carrierMessageID)
        return left + "@" + normalizedDomain(domain)
    }

    /// The Message-ID (without angle brackets) at the root of a conversation's thread: the same
    /// for every email of the conversation in one `segment`, different for any other
    /// conversation or segment. No email has it; each names it in `References` and
    /// `In-Reply-To`, so that mail clients hang them all under it.
    ///
    /// The result is `smsrelay.thread.<hash>.<segment>@<domain>`, where the hash (64 bits of
    /// FNV-1a, 16 hex digits) stands for `conversation`, a key such as `12066418000:18553569768`,
    /// and the segment is encoded as ``make(carrier:carrierMessageID:domain:)`` encodes its parts.
    /// It is short enough that `In-Reply-To` and `References` holding it stay within 78
    /// characters for a sender domain of up to 20.
    public static func conversationRoot(conversation: String, segment: String, domain: String) -> String {
        let hash = String(FNV1a.hash(Array(conversation.utf8)), radix: 16)
        return "smsrelay.thread." + String(repeating: "0", count: 16 - hash.count) + hash + "." + encodePart(segment)
            + "@" + normalizedDomain(domain)
    }

    /// The Message-ID domain for a sender address: its domain, or ``fallbackDomain``.
    public static func domain(of sender: Mailbox) -> String {
        normalizedDomain(sender.domain ?? "")
    }

    private static let maximumPartLength = 100


    static func encodePart(_ part: String) -> String {
        guard !part.isEmpty else { return "%" }
        return HeaderText.percentEncodedIdentifier(part, maximumLength: maximumPartLength)
    }

    private static func normalizedDomain(_ domain: String) -> String {
        let lowered = domain.lowercased()
        guard !lowered.isEmpty, lowered.utf8.count <= 253, HeaderText.isDotAtomText(lowered) else {
            return fallbackDomain
        }
        return lowered
    }
}
