import Foundation

/// An email address with an optional display name.
public struct Mailbox: Sendable, Equatable, Hashable {
    public var displayName: String?
    /// The bare address, `local@domain`.
    public var address: String

    public init(displayName: String? = nil, address: String) {
        self.displayName = displayName
        self.address = address
    }
}

/// A file carried by an email.
///
/// An attachment with a ``contentID`` is an inline part: the HTML body shows it through a
/// `cid:` URL (`<img src="cid:photo1@example.org">`) and ``MIMEWriter`` places it next to the
/// HTML in a `multipart/related` part. Without one it is an ordinary attachment.
public struct Attachment: Sendable, Equatable {
    public var fileName: String
    public var contentType: String
    public var data: [UInt8]
    /// The part's Content-ID, without angle brackets (`photo1@example.org`), for an inline part;
    /// `nil` (or empty) for an ordinary attachment. See ``ContentID`` for how it is written.
    public var contentID: String?

    public init(fileName: String, contentType: String, data: [UInt8], contentID: String? = nil) {
        self.fileName = fileName
        self.contentType = contentType
        self.data = data
        self.contentID = contentID
    }

    /// Whether the attachment is shown in the HTML body rather than offered as a file.
    public var isInline: Bool {
        !(contentID ?? "").isEmpty
    }
}

/// A composed email, independent of how it is sent. `MIMEWriter` turns it into RFC 5322 bytes.
public struct Email: Sendable, Equatable {
    public var from: Mailbox
    public var to: [Mailbox]
    public var subject: String
    public var date: Date
    /// The Message-ID without angle brackets, `left@right`. Stable for a given carrier message.
    public var messageID: String
    public var textBody: String
    public var htmlBody: String
    public var attachments: [Attachment]
    /// Where answers go (`Reply-To`), when not to ``from``.
    public var replyTo: Mailbox?
    /// The Message-ID (without angle brackets) of the email this one answers: written as
    /// `In-Reply-To` (and as `References` when ``references`` is empty), so that mail clients
    /// thread the two.
    public var inReplyTo: String?
    /// The Message-IDs (without angle brackets) of the thread this email belongs to, oldest
    /// first: written as `References`, which clients that thread by headers alone (Thunderbird)
    /// follow.
    public var references: [String]
    /// `Auto-Submitted` (RFC 3834), e.g. `auto-replied` for a notice answering a person's email,
    /// so that their auto-responder does not answer it in turn.
    public var autoSubmitted: String?

    public init(
        from: Mailbox,
        to: [Mailbox],
        subject: String,
        date: Date,
        messageID: String,
        textBody: String,
        htmlBody: String,
        attachments: [Attachment] = [],
        replyTo: Mailbox? = nil,
        inReplyTo: String? = nil,
        references: [String] = [],
        autoSubmitted: String? = nil
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.attachments = attachments
        self.replyTo = replyTo
        self.inReplyTo = inReplyTo
        self.references = references
        self.autoSubmitted = autoSubmitted
    }
}
