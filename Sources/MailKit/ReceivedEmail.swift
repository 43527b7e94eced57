/// An email as received: its header fields and its MIME body tree.
///
/// Reading is liberal, as real mail is messy: CRLF or bare LF line endings, fields without a
/// colon skipped, 8-bit header bytes read as UTF-8 (else Windows-1252), malformed encoded words
/// and parameters kept as written, multiparts without their close delimiter. Nothing in the
/// input can make it crash or take more than linear time per level; multiparts are followed
/// ``MIMEPart/maximumDepth`` levels deep and at most ``MIMEPart/maximumPartCount`` parts are kept.
public struct ReceivedEmail: Sendable {
    /// The body tree; its ``MIMEPart/headers`` are the message's header fields.
    public var root: MIMEPart

    /// Parses an email's bytes.
    /// - Throws: ``MailKitError`` with code ``MailKitError/Code/notAnEmail`` when the bytes
    ///   do not begin with a header section. Anything past that is read best effort.
    public init(parsing bytes: [UInt8]) throws {
        let section = HeaderSection(splitting: bytes[...], isPart: false)
        guard !section.fields.isEmpty else {
            throw MailKitError(
                .notAnEmail,
                "the \(bytes.count) bytes received are not an email: no header field (such as 'From: ann@example.com') "
                    + "comes before the first empty line; expected header fields, an empty line, then the body"
            )
        }
        var budget = MIMEPart.maximumPartCount
        root = MIMEPart(headers: section.fields, body: section.body, defaultType: "text/plain", depth: 0, budget: &budget)
    }

    /// The header fields in order, names as written, values unfolded and raw.
    public var headers: [ReceivedHeader] { root.headers }

    /// The first field called `name` (any case), encoded words decoded and control
    /// characters made spaces; nil when there is none.
    public func header(_ name: String) -> String? {
        root.rawHeader(name).map(Self.decoded)
    }

    /// Every field called `name` (any case), in order, decoded as ``header(_:)`` does.
    public func headers(named name: String) -> [String] {
        rawHeaders(name).map(Self.decoded)
    }

    /// The decoded Subject.
    public var subject: String? { header("Subject") }

    /// The Message-ID without its angle brackets.
    public var messageID: String? { root.rawHeader("Message-ID").flatMap { MessageID.list(in: $0).first } }

    /// The From mailboxes; empty when there is none that can be read.
    public var from: [Mailbox] { rawHeaders("From").flatMap(Mailbox.receivedList) }

    /// The To mailboxes; empty when there is none that can be read.
    public var to: [Mailbox] { rawHeaders("To").flatMap(Mailbox.receivedList) }

    /// The addresses of the Delivered-To fields (the mailbox each delivery was made to).
    public var deliveredTo: [String] {
        rawHeaders("Delivered-To").compactMap { value in
            let address = value.trimmingCharacters(in: " \t<>")
            return address.isEmpty ? nil : address
        }
    }

    /// The message ids of In-Reply-To, without angle brackets.
    public var inReplyTo: [String] { rawHeaders("In-Reply-To").flatMap(MessageID.list) }

    /// The message ids of References, oldest first, without angle brackets.
    public var references: [String] { rawHeaders("References").flatMap(MessageID.list) }

    /// The text a person wrote: the first `text/plain` part that is not an attachment
    /// (`format=flowed` undone), else the first such `text/html` part made plain text
    /// (quoted parts as `>` lines); nil when there is neither. Line breaks are LF.
    public var bodyText: String? {
        if let plain = root.first(where: { $0.contentType == "text/plain" && !$0.isAttachment }), let text = plain.text {
            guard plain.parameters["format"]?.lowercased() == "flowed" else { return text }
            return FormatFlowed.unflow(text, deleteSpace: plain.parameters["delsp"]?.lowercased() == "yes")
        }
        if let html = root.first(where: { $0.contentType == "text/html" && !$0.isAttachment }), let text = html.text {
            return HTMLText.plainText(from: text)
        }
        return nil
    }

    private func rawHeaders(_ name: String) -> [String] {
        root.headers.filter { $0.isNamed(name) }.map(\.value)
    }

    private static func decoded(_ value: String) -> String {
        HeaderText.neutralisingControls(EncodedWords.decode(value))
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
