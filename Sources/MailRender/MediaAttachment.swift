import MailKit
import SMSRelayCore

/// How one downloaded media item is attached: under which name and type, and whether the
/// HTML part shows it.
///
/// The type is the carrier's declared one, else the server's, else what the bytes show,
/// else `application/octet-stream`. A declared image type is believed only when the bytes
/// are that image: a file that is not becomes a plain `application/octet-stream` attachment
/// and ``note`` says why. Only JPEG, PNG, GIF and WebP images are shown inline.
struct MediaAttachment: Sendable, Equatable {
    var fileName: String
    var contentType: String
    var data: [UInt8]
    /// The Content-ID of an image shown inline; nil for a file that is only attached.
    var contentID: String?
    /// Why the file is attached as other than it was declared, for the reader; nil when it is not.
    var note: String?

    /// - Parameters:
    ///   - position: the item's place in the message, from 1.
    ///   - messageID: the email's Message-ID, which the Content-ID depends on.
    init(item: MediaItem, position: Int, data: [UInt8], servedType: String?, messageID: String) {
        (contentType, note) = Self.contentType(declared: item.mimeType, served: servedType, data: data)
        fileName = AttachmentFileName.make(for: item, position: position, contentType: contentType)
        self.data = data
        contentID = MediaType.inlineImages.contains(contentType)
            ? ContentID.make(label: "media\(position)", messageID: messageID, data: data)
            : nil
    }

    /// The attachment of the email.
    var attachment: Attachment {
        Attachment(fileName: fileName, contentType: contentType, data: data, contentID: contentID)
    }

    /// The type to attach `data` as, and a note when it is not the declared one because the
    /// bytes are not the image the declared (or served) type says.
    static func contentType(declared: String?, served: String?, data: [UInt8]) -> (type: String, note: String?) {
        let sniffed = ImageFormat.sniff(data)
        let claim: (type: String, source: String)
        if let declared = MediaType.normalised(declared) {
            claim = (declared, "declared")
        } else if let sniffed {
            return (sniffed.mediaType, nil)
        } else if let served = MediaType.normalised(served) {
            claim = (served, "served as")
        } else {
            return (MediaType.fallback, nil)
        }
        guard let format = ImageFormat(mediaType: claim.type), sniffed?.format != format else {
            return (claim.type, nil)
        }
        return (MediaType.fallback, "\(claim.source) \(claim.type) but the file is not one; attached as a plain file")
    }
}
