import Foundation
import Testing
import TestSupport

@testable import MailKit

@Suite("Inline attachments")
struct InlineAttachmentTests {
    static let html = """
        <p>Look:</p>
        <img src="cid:photo.1@example.org" alt="photo">
        <img src="cid:diagram.2@example.org" alt="diagram">
        """

    static func email() throws -> Email {
        MIMETestSupport.email(html: html, attachments: [
            Attachment(fileName: "photo.jpg", contentType: "image/jpeg", data: try TestMedia.bytes("photo.jpg"), contentID: "photo.1@example.org"),
            Attachment(fileName: "contact.vcf", contentType: "text/vcard", data: try TestMedia.bytes("contact.vcf")),
            Attachment(fileName: "diagram.png", contentType: "image/png", data: try TestMedia.bytes("diagram.png"), contentID: "diagram.2@example.org"),
        ])
    }

    @Test("Python sees the images next to the HTML in multipart/related and the vCard as an attachment")
    func structure() async throws {
        let email = try Self.email()
        let message = MIMEWriter.render(email)
        let parsed = try await PythonMIMEParser.parse(message)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.tree == "multipart/mixed(multipart/alternative(text/plain,multipart/related(text/html,image/jpeg,image/png)),text/vcard)")
        #expect(parsed.parts.first { $0.contentType == "multipart/related" }?.typeParameter == "text/html")
        #expect(parsed.html == Self.html)
        #expect(parsed.text == "Plain text")

        // Each file decodes to the very bytes given, under its name and disposition.
        for attachment in email.attachments {
            let part = try #require(parsed.parts.first { $0.filename == attachment.fileName })
            #expect(part.data == attachment.data, "\(attachment.fileName)")
            #expect(part.contentType == attachment.contentType)
            #expect(part.transferEncoding == "base64")
            #expect(part.disposition == (attachment.isInline ? "inline" : "attachment"))
            #expect(part.contentID == attachment.contentID.map { "<\($0)>" })
        }
        #expect(parsed.attachments.map(\.filename) == ["contact.vcf"])

        // Every cid: reference of the HTML names an inline part.
        let references = Self.html.components(separatedBy: "cid:").dropFirst().map { $0.prefix(while: { $0 != "\"" }) }
        #expect(Set(references.map { "<\($0)>" }) == Set(parsed.parts.compactMap(\.contentID)))

        let lines = try #require(MIMETestSupport.crlfLines(message), "a bare CR or LF")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "\(lines.filter { $0.utf8.count > 78 })")
    }

    @Test("Python reads two inline images and a vCard back byte for byte from real files")
    func realFiles() async throws {
        let files = [("photo.jpg", "image/jpeg"), ("animation.gif", "image/gif"), ("contact.vcf", "text/vcard")]
        let attachments = try files.enumerated().map { index, file in
            Attachment(
                fileName: file.0, contentType: file.1, data: try TestMedia.bytes(file.0),
                contentID: file.1.hasPrefix("image/") ? "m\(index)@smsrelay" : nil
            )
        }
        let message = MIMEWriter.render(MIMETestSupport.email(html: "<img src=\"cid:m0@smsrelay\"><img src=\"cid:m1@smsrelay\">", attachments: attachments))
        let parsed = try await PythonMIMEParser.parse(message)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.tree == "multipart/mixed(multipart/alternative(text/plain,multipart/related(text/html,image/jpeg,image/gif)),text/vcard)")
        let leaves = parsed.parts.filter { $0.filename != nil }
        #expect(leaves.map(\.filename) == ["photo.jpg", "animation.gif", "contact.vcf"])
        #expect(leaves.map(\.data) == attachments.map(\.data))
        #expect(leaves.map(\.contentID) == ["<m0@smsrelay>", "<m1@smsrelay>", nil])
    }

    @Test("only inline attachments still wrap the message in multipart/mixed")
    func onlyInline() async throws {
        let image = try TestMedia.bytes("diagram.png")
        let message = MIMEWriter.render(MIMETestSupport.email(attachments: [
            Attachment(fileName: "diagram.png", contentType: "image/png", data: image, contentID: "d@smsrelay"),
        ]))
        let parsed = try await PythonMIMEParser.parse(message)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.tree == "multipart/mixed(multipart/alternative(text/plain,multipart/related(text/html,image/png)))")
        #expect(parsed.attachments.isEmpty)
    }

    @Test("an attachment with an empty Content-ID is an ordinary attachment")
    func emptyContentID() throws {
        let attachment = Attachment(fileName: "a.txt", contentType: "text/plain", data: [0x41], contentID: "")
        #expect(!attachment.isInline)
        let lines = try #require(MIMETestSupport.crlfLines(MIMEWriter.render(MIMETestSupport.email(attachments: [attachment]))))
        #expect(lines.contains("Content-Disposition: attachment; filename=\"a.txt\""))
        #expect(!lines.contains { $0.hasPrefix("Content-ID") })
        #expect(!lines.contains { $0.contains("multipart/related") })
    }

    @Test("the related boundary starts with =_ and no boundary is a prefix of another")
    func relatedBoundary() {
        let boundaries = MIMEWriter.Boundaries(messageID: "a@example.org")
        let all = [boundaries.alternative, boundaries.mixed, boundaries.related]
        #expect(boundaries.related.hasPrefix("=_"))
        #expect(boundaries.related != MIMEWriter.Boundaries(messageID: "b@example.org").related)
        for one in all {
            for other in all where one != other {
                #expect(!one.hasPrefix(other))
            }
        }
    }

    @Test("a hostile Content-ID cannot end its field or start another header", arguments: [
        Escaped("x\r\nBcc: evil@example.com"), "a>b<c", "<already@bracketed>", "spa ce\u{0}nul", "é@ü", Escaped(String(repeating: "x", count: 2000)),
    ])
    func hostileContentID(_ contentID: Escaped) async throws {
        let attachment = Attachment(fileName: "p.png", contentType: "image/png", data: [1, 2, 3], contentID: contentID.value)
        let message = MIMEWriter.render(MIMETestSupport.email(attachments: [attachment]))
        let lines = try #require(MIMETestSupport.crlfLines(message), "a bare CR or LF")
        let fields = lines.filter { $0.hasPrefix("Content-ID:") }
        #expect(fields.count == 1)
        let field = try #require(fields.first)
        #expect(field.hasPrefix("Content-ID: <") && field.hasSuffix(">"))
        let inner = field.dropFirst("Content-ID: <".count).dropLast()
        #expect(inner.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        #expect(inner.utf8.count <= 100)
        #expect(!lines.contains { $0.hasPrefix("Bcc") })
        let parsed = try await PythonMIMEParser.parse(message)
        #expect(parsed.defects.isEmpty)
        #expect(!parsed.headerNames.contains("Bcc"))
    }

    @Test("a well-formed Content-ID is written unchanged")
    func plainContentID() {
        #expect(ContentID.sanitised("media1.3f2a@smsrelay") == "media1.3f2a@smsrelay")
        #expect(ContentID.sanitised("a%b") == "a%25b")
        #expect(ContentID.sanitised("a\r\nb") == "a%0D%0Ab")
    }

    @Test("made Content-IDs are stable, need no escaping and differ between messages and files")
    func madeContentIDs() {
        let one = ContentID.make(label: "media1", messageID: "a@example.org", data: [1, 2])
        #expect(one == ContentID.make(label: "media1", messageID: "a@example.org", data: [1, 2]))
        #expect(one.hasPrefix("media1.") && one.hasSuffix("@smsrelay"))
        #expect(ContentID.sanitised(one) == one)
        #expect(one != ContentID.make(label: "media1", messageID: "b@example.org", data: [1, 2]))
        #expect(one != ContentID.make(label: "media1", messageID: "a@example.org", data: [1, 3]))
    }
}
