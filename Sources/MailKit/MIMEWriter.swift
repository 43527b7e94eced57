/// Turns an ``Email`` into the bytes of an RFC 5322 / MIME message.
///
/// The message is `multipart/alternative` (a `text/plain` and a `text/html` part, both UTF-8 in
/// quoted-printable). When there are attachments it is wrapped in `multipart/mixed`, with one
/// base64 part per ordinary attachment after it; inline attachments (those with a Content-ID)
/// go with the HTML part into `multipart/related; type="text/html"`:
///
/// ```
/// multipart/mixed
///   multipart/alternative
///     text/plain
///     multipart/related          (only when there are inline attachments)
///       text/html
///       inline parts…            (Content-Disposition: inline, Content-ID: <…>)
///   attachments…                 (Content-Disposition: attachment)
/// ```
///
/// Attachments keep their order within each group. All line endings are CRLF. Header values are sanitised: control characters
/// (CR and LF included) become spaces, so no value can start another header; non-ASCII text is
/// written as RFC 2047 encoded words; long fields are folded.
///
/// The output depends only on the email: boundaries are derived from the Message-ID, and the
/// `Date` is written in UTC, so rendering the same email twice gives the same bytes.
public enum MIMEWriter {
    /// The complete message, headers and body, with CRLF line endings.
    public static func render(_ email: Email) -> [UInt8] {
        let boundaries = Boundaries(messageID: email.messageID)
        var output: [UInt8] = []
        output.reserveCapacity(email.textBody.utf8.count + email.htmlBody.utf8.count * 2 + 1024)

        var from = HeaderField(name: "From")
        from.append(mailboxes: [email.from])
        output += from.bytes

        var to = HeaderField(name: "To")
        if email.to.isEmpty {
            to.append(word: "undisclosed-recipients:;")
        } else {
            to.append(mailboxes: email.to)
        }
        output += to.bytes

        if let replyTo = email.replyTo {
            var field = HeaderField(name: "Reply-To")
            field.append(mailboxes: [replyTo])
            output += field.bytes
        }

        var subject = HeaderField(name: "Subject")
        subject.append(unstructured: HeaderText.neutralisingControls(email.subject))
        output += subject.bytes

        var date = HeaderField(name: "Date")
        date.append(word: UTCTime(email.date).rfc5322)
        output += date.bytes

        var messageID = HeaderField(name: "Message-ID")
        messageID.append(word: "<" + HeaderText.neutralisingControls(email.messageID) + ">")
        output += messageID.bytes

        let original = email.inReplyTo.map(msgID) ?? ""
        if !original.isEmpty {
            var field = HeaderField(name: "In-Reply-To")
            field.append(word: "<" + original + ">")
            output += field.bytes
        }
        let references = email.references.isEmpty ? [original] : email.references.map(msgID)
        if references.contains(where: { !$0.isEmpty }) {
            var field = HeaderField(name: "References")
            for reference in references where !reference.isEmpty {
                field.append(word: "<" + reference + ">")
            }
            output += field.bytes
        }
        if let value = email.autoSubmitted, HeaderText.isDotAtomText(value) {
            output += line("Auto-Submitted: " + value)
        }

        output += line("MIME-Version: 1.0")

        if email.attachments.isEmpty {
            output += multipartContentType("alternative", boundary: boundaries.alternative)
            output += crlf
            output += alternativeBody(of: email, boundaries: boundaries)
        } else {
            output += multipartContentType("mixed", boundary: boundaries.mixed)
            output += crlf
            output += line("--" + boundaries.mixed)
            output += multipartContentType("alternative", boundary: boundaries.alternative)
            output += crlf
            output += alternativeBody(of: email, boundaries: boundaries)
            for attachment in email.attachments where !attachment.isInline {
                output += crlf + line("--" + boundaries.mixed)
                output += attachmentPart(attachment)
            }
            output += crlf + Array("--\(boundaries.mixed)--".utf8)
        }
        output += crlf
        return output
    }

    /// The MIME boundaries of a message.
    ///
    /// All start with `=_`, which can never occur in quoted-printable output (where `=` is always
    /// followed by two hex digits or a line break) nor in base64, so no encoded line can be taken
    /// for a delimiter; and no boundary is a prefix of another.
    struct Boundaries {
        let alternative: String
        let mixed: String
        let related: String

        init(messageID: String) {
            let hash = String(FNV1a.hash(Array(messageID.utf8)), radix: 16)
            alternative = "=_smsrelay_alt_" + hash
            mixed = "=_smsrelay_mixed_" + hash
            related = "=_smsrelay_rel_" + hash
        }
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    /// A Message-ID as written between angle brackets: nothing in it can end the line, the
    /// brackets or the id (control characters, spaces and angle brackets are dropped).
    private static func msgID(_ id: String) -> String {
        HeaderText.neutralisingControls(id).filter { $0 != " " && $0 != "<" && $0 != ">" }
    }

    private static func line(_ text: String) -> [UInt8] {
        Array(text.utf8) + crlf
    }

    private static func multipartContentType(_ subtype: String, boundary: String, type: String? = nil) -> [UInt8] {
        var field = HeaderField(name: "Content-Type")
        field.append(word: "multipart/\(subtype);")
        if let type {
            field.append(word: "type=\"\(type)\";")
        }
        field.append(word: "boundary=\"\(boundary)\"")
        return field.bytes
    }

    /// The text and HTML parts, from the first delimiter to the close delimiter (no final CRLF).
    /// The HTML part is `multipart/related` with the inline attachments when there are any.
    private static func alternativeBody(of email: Email, boundaries: Boundaries) -> [UInt8] {
        let boundary = boundaries.alternative
        var output = line("--" + boundary)
        output += textPart(email.textBody, subtype: "plain")
        output += crlf + line("--" + boundary)
        let inline = email.attachments.filter(\.isInline)
        if inline.isEmpty {
            output += textPart(email.htmlBody, subtype: "html")
        } else {
            output += multipartContentType("related", boundary: boundaries.related, type: "text/html")
            output += crlf
            output += line("--" + boundaries.related)
            output += textPart(email.htmlBody, subtype: "html")
            for attachment in inline {
                output += crlf + line("--" + boundaries.related)
                output += attachmentPart(attachment)
            }
            output += crlf + Array("--\(boundaries.related)--".utf8)
        }
        output += crlf + Array("--\(boundary)--".utf8)
        return output
    }

    private static func textPart(_ text: String, subtype: String) -> [UInt8] {
        var output = line("Content-Type: text/\(subtype); charset=UTF-8")
        output += line("Content-Transfer-Encoding: quoted-printable")
        output += crlf
        output += QuotedPrintable.encode(text)
        return output
    }

    private static func attachmentPart(_ attachment: Attachment) -> [UInt8] {
        let hasName = !attachment.fileName.isEmpty
        var contentType = HeaderField(name: "Content-Type")
        let type = MIMEParameter.attachmentContentType(attachment.contentType)
        append(type, parameter: "name", attachment.fileName, if: hasName, to: &contentType)
        var disposition = HeaderField(name: "Content-Disposition")
        let dispositionType = attachment.isInline ? "inline" : "attachment"
        append(dispositionType, parameter: "filename", attachment.fileName, if: hasName, to: &disposition)

        var output = contentType.bytes
        output += line("Content-Transfer-Encoding: base64")
        output += disposition.bytes
        if let contentID = attachment.contentID, attachment.isInline {
            var field = HeaderField(name: "Content-ID")
            field.append(word: "<" + ContentID.sanitised(contentID) + ">")
            output += field.bytes
        }
        output += crlf
        output += Base64.encodeLines(attachment.data)
        return output
    }

    /// Appends `base` followed, when `include` is set, by `; name=value` (one or more
    /// RFC 2231 sections, `;`-separated).
    private static func append(
        _ base: String,
        parameter name: String,
        _ value: String,
        if include: Bool,
        to field: inout HeaderField
    ) {
        let words = include ? MIMEParameter.words(name: name, value: value) : []
        field.append(word: words.isEmpty ? base : base + ";")
        for (index, word) in words.enumerated() {
            field.append(word: index < words.count - 1 ? word + ";" : word)
        }
    }
}
