/// One part of a received email's MIME tree: a leaf with a decoded body, or a multipart with
/// children. The root part is the message itself.
public struct MIMEPart: Sendable {
    /// The part's own header fields, in order (for the root, the message's).
    public var headers: [ReceivedHeader]
    /// The lower-cased `type/subtype`; `text/plain` when there is none or it is malformed
    /// (`message/rfc822` for a part of `multipart/digest`).
    public var contentType: String
    /// The Content-Type parameters by lower-cased name, RFC 2231 sections joined and decoded.
    public var parameters: [String: String]
    /// The lower-cased Content-Disposition (`inline`, `attachment`); nil when there is none.
    public var disposition: String?
    /// The file name from Content-Disposition `filename`, else Content-Type `name`.
    public var fileName: String?
    /// The parts of a multipart, in order; empty for any other part.
    public var children: [MIMEPart]
    /// The body with its transfer encoding undone (base64, quoted-printable; anything else as
    /// is). Empty for a multipart whose parts were found.
    public var body: [UInt8]
    /// For a `text/*` part, the body decoded from its charset, line breaks as LF; else nil.
    public var text: String?

    /// Whether the part is a file rather than a body: disposed as an attachment, or named.
    public var isAttachment: Bool {
        disposition == "attachment" || fileName != nil
    }

    /// The first part, depth first and this one included, that satisfies `predicate`.
    public func first(where predicate: (MIMEPart) -> Bool) -> MIMEPart? {
        if predicate(self) { return self }
        for child in children {
            if let match = child.first(where: predicate) { return match }
        }
        return nil
    }

    /// The first header field called `name` (any case), raw.
    func rawHeader(_ name: String) -> String? {
        headers.first { $0.isNamed(name) }?.value
    }
}
