import Foundation
import SMSRelayCore
import Testing
import TestSupport

@testable import MailRender

@Suite("How a downloaded media item is attached")
struct MediaAttachmentTests {
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]
    static let gif = Array("GIF89a\u{1}\u{0}".utf8)

    static func attach(_ item: MediaItem, _ data: [UInt8], served: String? = nil, position: Int = 1) -> MediaAttachment {
        MediaAttachment(item: item, position: position, data: data, servedType: served, messageID: "m@example.org")
    }

    @Test("image formats are recognised from their first bytes", arguments: [
        ("photo.jpg", "image/jpeg"), ("diagram.png", "image/png"), ("animation.gif", "image/gif"),
    ])
    func sniffFiles(_ file: String, _ type: String) throws {
        #expect(ImageFormat.sniff(try TestMedia.bytes(file))?.mediaType == type)
    }

    @Test("WebP, BMP, TIFF and HEIF brands are recognised; text and short files are not")
    func sniffSignatures() {
        #expect(ImageFormat.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8))?.format == .webp)
        #expect(ImageFormat.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVEfmt ".utf8)) == nil)
        #expect(ImageFormat.sniff(Array("BM6\u{0}".utf8))?.mediaType == "image/bmp")
        #expect(ImageFormat.sniff([0x49, 0x49, 0x2A, 0x00, 8])?.mediaType == "image/tiff")
        #expect(ImageFormat.sniff([0, 0, 0, 0x18] + Array("ftypheic".utf8))?.mediaType == "image/heic")
        #expect(ImageFormat.sniff([0, 0, 0, 0x18] + Array("ftypavif".utf8))?.mediaType == "image/avif")
        #expect(ImageFormat.sniff([0, 0, 0, 0x18] + Array("ftypmp42".utf8)) == nil)
        #expect(ImageFormat.sniff(Array("GIF90a".utf8)) == nil)
        #expect(ImageFormat.sniff([0xFF, 0xD8]) == nil)
        #expect(ImageFormat.sniff([]) == nil)
        #expect(ImageFormat.sniff(Array("BEGIN:VCARD".utf8)) == nil)
    }

    @Test("types are lower-cased, lose their parameters and aliases; malformed ones are refused", arguments: [
        ("Image/JPEG; charset=x", "image/jpeg"), ("image/jpg", "image/jpeg"), ("image/pjpeg", "image/jpeg"), (" text/vcard ", "text/vcard"),
        ("image", nil), ("image/", nil), ("/png", nil), ("image/png/x", nil), ("image/p ng", nil), ("text/x\r\nBcc: y", nil),
        ("multipart/mixed", nil), ("message/rfc822", nil), ("", nil),
    ] as [(String, String?)])
    func normalise(_ given: String, _ expected: String?) {
        #expect(MediaType.normalised(given) == expected)
    }

    @Test("the declared type wins, then the served one, then the bytes, then application/octet-stream")
    func typeOrder() {
        #expect(MediaAttachment.contentType(declared: "text/vcard", served: "text/plain", data: []) == ("text/vcard", nil))
        #expect(MediaAttachment.contentType(declared: "bogus", served: "Text/Plain; charset=utf-8", data: []) == ("text/plain", nil))
        #expect(MediaAttachment.contentType(declared: nil, served: "application/octet-stream", data: Self.png) == ("image/png", nil))
        #expect(MediaAttachment.contentType(declared: nil, served: "image/png", data: Self.jpeg) == ("image/jpeg", nil))
        #expect(MediaAttachment.contentType(declared: nil, served: nil, data: [1, 2, 3]) == ("application/octet-stream", nil))
        #expect(MediaAttachment.contentType(declared: "image/jpg", served: nil, data: Self.jpeg) == ("image/jpeg", nil))
    }

    @Test("a declared image whose bytes are not that image is attached as a plain file, with a note")
    func mismatch() {
        let declared = MediaAttachment.contentType(declared: "image/png", served: nil, data: Self.jpeg)
        #expect(declared.type == "application/octet-stream")
        #expect(declared.note == "declared image/png but the file is not one; attached as a plain file")
        let served = MediaAttachment.contentType(declared: nil, served: "image/gif", data: Array("<html>".utf8))
        #expect(served.type == "application/octet-stream")
        #expect(served.note == "served as image/gif but the file is not one; attached as a plain file")

        let attachment = Self.attach(MediaItem(url: "https://x.example/a", fileName: "a.png", mimeType: "image/png"), Self.gif)
        #expect(attachment.contentType == "application/octet-stream")
        #expect(attachment.contentID == nil)
        #expect(attachment.fileName == "a.png")
    }

    @Test("only JPEG, PNG, GIF and WebP images are inline, with a stable Content-ID")
    func inline() {
        let item = MediaItem(url: "https://x.example/p", fileName: "p.jpg", mimeType: "image/jpeg")
        let photo = Self.attach(item, Self.jpeg, position: 3)
        let id = photo.contentID
        #expect(id?.hasPrefix("media3.") == true)
        #expect(id?.hasSuffix("@smsrelay") == true)
        #expect(Self.attach(item, Self.jpeg, position: 3).contentID == id)
        #expect(photo.attachment.contentID == id)
        #expect(photo.attachment.isInline)

        let heic = Self.attach(MediaItem(url: "", fileName: "IMG_1.HEIC", mimeType: "image/heic"), [0, 0, 0, 0x18] + Array("ftypheic".utf8))
        #expect(heic.contentType == "image/heic")
        #expect(heic.contentID == nil)
        #expect(heic.note == nil)
        let vcard = Self.attach(MediaItem(url: "", mimeType: "text/vcard"), Array("BEGIN:VCARD".utf8))
        #expect(vcard.contentID == nil)
    }

    @Test("file names are made safe", arguments: [
        ("../../etc/passwd", "application/octet-stream", "passwd.bin"),
        ("a\r\nBcc: x", "image/jpeg", "a Bcc x.jpg"),
        ("C:\\Users\\me\\photo.jpg", "image/jpeg", "photo.jpg"),
        ("...hidden.png", "image/png", "hidden.png"),
        ("what?<is>|this*\".png", "image/png", "whatisthis.png"),
        ("  lots   of\tspace .jpg ", "image/jpeg", "lots of space .jpg"),
        ("evil\u{202E}gpj.exe", "application/octet-stream", "evilgpj.exe"),
        ("card", "text/x-vcard", "card.vcf"),
        ("Été à Zürich.jpg", "image/jpeg", "Été à Zürich.jpg"),
        ("trailing dots...", "application/pdf", "trailing dots.pdf"),
    ] as [(String, String, String)])
    func fileNames(_ name: String, _ type: String, _ expected: String) {
        let item = MediaItem(url: "https://media.example.com/x/ignored.dat", fileName: name)
        #expect(AttachmentFileName.make(for: item, position: 1, contentType: type) == expected)
    }

    @Test("a long name is cut to 100 characters and keeps its extension")
    func longName() {
        let item = MediaItem(url: "", fileName: String(repeating: "ü", count: 300) + ".jpeg")
        let name = AttachmentFileName.make(for: item, position: 1, contentType: "image/jpeg")
        #expect(name.count == 100)
        #expect(name.hasSuffix("üü.jpeg"))
        let noExtension = AttachmentFileName.make(for: MediaItem(url: "", fileName: String(repeating: "a", count: 300)), position: 1, contentType: "image/png")
        #expect(noExtension == String(repeating: "a", count: 96) + ".png")
    }

    @Test("without a usable name the URL's last path component is used, else media-N")
    func fallbackNames() {
        let fromURL = MediaItem(url: "https://mms.example.com/media/abc%20def/IMG_0001?sig=1", fileName: nil)
        #expect(AttachmentFileName.make(for: fromURL, position: 1, contentType: "image/jpeg") == "IMG_0001.jpg")
        let emptyName = MediaItem(url: "https://mms.example.com/a/b.gif", fileName: "../..")
        #expect(AttachmentFileName.make(for: emptyName, position: 1, contentType: "image/gif") == "b.gif")
        let noPath = MediaItem(url: "https://mms.example.com", fileName: nil)
        #expect(AttachmentFileName.make(for: noPath, position: 2, contentType: "image/jpeg") == "media-2.jpg")
        let noURL = MediaItem(url: "", fileName: "")
        #expect(AttachmentFileName.make(for: noURL, position: 4, contentType: "video/3gpp") == "media-4.3gp")
    }

    @Test("extensions come from a small table, else .bin", arguments: [
        ("image/jpeg", "jpg"), ("image/png", "png"), ("image/gif", "gif"), ("image/webp", "webp"), ("text/vcard", "vcf"),
        ("text/x-vcard", "vcf"), ("application/pdf", "pdf"), ("video/mp4", "mp4"), ("video/3gpp", "3gp"), ("audio/mpeg", "mp3"),
        ("audio/amr", "amr"), ("application/x-unknown", "bin"),
    ])
    func extensions(_ type: String, _ expected: String) {
        #expect(MediaType.fileExtension(for: type) == expected)
    }
}
