/// Content-IDs (RFC 2392) for inline parts: how they are made and how they are written.
public enum ContentID {
    /// A Content-ID (without angle brackets) that depends only on its arguments, so rendering
    /// the same email twice gives the same bytes: `<label>.<hash>@smsrelay`, where the hash covers
    /// the message's Message-ID and the part's bytes, so ids differ between messages.
    ///
    /// `label` names the part (`media1`); bytes that may not appear in an id are written as `%XX`.
    public static func make(label: String, messageID: String, data: [UInt8]) -> String {
        let hash = FNV1a.hash(Array(messageID.utf8) + [0] + data)
        return sanitised(label) + "." + String(hash, radix: 16) + "@smsrelay"
    }

    /// The longest id written as given; a longer one is cut and ends with a hash of the whole.
    private static let maximumLength = 100

    /// `value` as it is written between the angle brackets of a `Content-ID` field: RFC 5322
    /// `atext`, `.` and `@` as they are, every other byte (`%`, `<`, `>`, space, controls,
    /// non-ASCII) as `%XX`. So no value can end the field, close the brackets or start another
    /// header, and ids made of those characters (such as ``make(label:messageID:data:)``'s) are
    /// unchanged, which keeps the body's `cid:` references valid.
    static func sanitised(_ value: String) -> String {
        HeaderText.percentEncodedIdentifier(value, also: [UInt8(ascii: "."), UInt8(ascii: "@")], maximumLength: maximumLength)
    }
}
