/// Turns an ``Email`` into the bytes of an RFC 5322 / MIME message.
///
/// The message is `multipart/alternative` (a `text/plain` and a `text/html` part, both UTF-8 in
/// quoted-printable), wrapped in `multipart/mixed` with one base64 part per attachment when there
/// are attachments. All line endings are CRLF. Header values are sanitised: control characters
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

        var subject = HeaderField(name: "Subject")
        subject.append(unstructured: HeaderText.neutralisingControls(email.subject))
        output += subject.bytes

        var date = HeaderField(name: "Date")
        date.append(word: UTCTime(email.date).rfc5322)
        output += date.bytes

        var messageID = HeaderField(name: "Message-ID")
        messageID.append(word: "<" + HeaderText.neutralisingControls(email.messageID) + ">")
        output += messageID.bytes

        output += line("MIME-Version: 1.0")

        if email.attachments.isEmpty {
            output += multipartContentType("alternative", boundary: boundaries.alternative)
            output += crlf
            output += alternativeBody(of: email, boundary: boundaries.alternative)
        } else {
            output += multipartContentType("mixed", boundary: boundaries.mixed)
            output += crlf
            output += line("--" + boundaries.mixed)
            output += multipartContentType("alternative", boundary: boundaries.alternative)
            output += crlf
            output += alternativeBody(of: email, boundary: boundaries.alternative)
            for attachment in email.attachments {
                output += crlf + line("--" + boundaries.mixed)
                output += attachmentPart(attachment)
            }
            output += crlf + Array("--\(boundaries.mixed)--".utf8)
        }
        output += crlf
        return output
    }

    /// The two MIME boundaries of a message.
    ///
    /// Both start with `=_`, which can never occur in quoted-printable output (where `=` is always
    /// followed by two hex digits or a line break) nor in base64, so no encoded line can be taken
    /// for a delimiter; and neither boundary is a prefix of the other.
    struct Boundaries {
        let alternative: String
        let mixed: String

        init(messageID: String) {
            let hash = String(FNV1a.hash(Array(messageID.utf8)), radix: 16)
            alternative = "=_smsrelay_alt_" + hash
            mixed = "=_smsrelay_mixed_" + hash
        }
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    private static func line(_ text: String) -> [UInt8] {
        Array(text.utf8) + crlf
    }

    private static func multipartContentType(_ subtype: String, boundary: String) -> [UInt8] {
        var field = HeaderField(name: "Content-Type")
        field.append(word: "multipart/\(subtype);")
        field.append(word: "boundary=\"\(boundary)\"")
        return field.bytes
    }

    /// The text and HTML parts, from the first delimiter to the close delimiter (no final CRLF).
    private static func alternativeBody(of email: Email, boundary: String) -> [UInt8] {
        var output = line("--" + boundary)
        output += textPart(email.textBody, subtype: "plain")
        output += crlf + line("--" + boundary)
        output += textPart(email.htmlBody, subtype: "html")
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
        append("attachment", parameter: "filename", attachment.fileName, if: hasName, to: &disposition)

        var output = contentType.bytes
        output += line("Content-Transfer-Encoding: base64")
        output += disposition.bytes
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
