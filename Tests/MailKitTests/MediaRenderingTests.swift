import Foundation
import MailKit
import MailRender
import SMSRelayCore
import Testing
import TestSupport

@Suite("Email renderer with downloaded media")
struct MediaRenderingTests {
    static let route = EmailRendererTests.route

    static let threeItems = [
        MediaItem(url: "https://media.example.com/1/photo.jpg", fileName: "photo.jpg", mimeType: "image/jpeg", fileSize: 9_999),
        MediaItem(url: "https://media.example.com/2/diagram.png", fileName: "diagram.png", mimeType: "image/png"),
        MediaItem(url: "https://media.example.com/3/contact.vcf", fileName: "contact.vcf", mimeType: "text/vcard"),
    ]

    static func fetched(_ files: [String], servedType: String? = nil) throws -> [MediaOutcome] {
        try files.map { .fetched(data: try TestMedia.bytes($0), servedType: servedType) }
    }

    static func contentIDs(_ email: Email) -> [String] {
        email.attachments.compactMap(\.contentID)
    }

    @Test("fetched images are inline and other files attached, in the carrier's order")
    func threeFetched() throws {
        let media = try Self.fetched(["photo.jpg", "diagram.png", "contact.vcf"])
        let email = try EmailRenderer().render(EmailRendererTests.message(media: Self.threeItems), route: Self.route, media: media)

        #expect(email.attachments.map(\.fileName) == ["photo.jpg", "diagram.png", "contact.vcf"])
        #expect(email.attachments.map(\.contentType) == ["image/jpeg", "image/png", "text/vcard"])
        #expect(email.attachments.map(\.isInline) == [true, true, false])
        #expect(email.attachments.map(\.data) == media.map { if case .fetched(let data, _) = $0 { data } else { [] } })

        let ids = Self.contentIDs(email)
        #expect(ids.count == 2 && Set(ids).count == 2)
        for (id, name) in zip(ids, ["photo.jpg", "diagram.png"]) {
            #expect(email.htmlBody.contains("<img src=\"cid:\(id)\" alt=\"\(name)\" style=\"max-width:100%;height:auto\">"))
        }
        #expect(email.htmlBody.contains("contact.vcf <span style=\"color:#555555;\">(text/vcard, 122 bytes)</span>: attached</li>"))
        #expect(!email.htmlBody.contains("href"), "a fetched item needs no link")

        // Sizes are those of the downloaded files, not what the carrier claimed.
        #expect(email.textBody.contains("""
            Media (3):
            - photo.jpg (image/jpeg, 2.0 KB): attached
            - diagram.png (image/png, 1.6 KB): attached
            - contact.vcf (text/vcard, 122 bytes): attached

            """))
    }

    @Test("Python sees the images in multipart/related beside the HTML that shows them, byte for byte")
    func threeFetchedParsed() async throws {
        let media = try Self.fetched(["photo.jpg", "diagram.png", "contact.vcf"])
        let email = try EmailRenderer().render(EmailRendererTests.message(media: Self.threeItems), route: Self.route, media: media)
        let bytes = MIMEWriter.render(email)
        #expect(bytes == MIMEWriter.render(try EmailRenderer().render(EmailRendererTests.message(media: Self.threeItems), route: Self.route, media: media)))

        let parsed = try await PythonMIMEParser.parse(bytes)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.tree == "multipart/mixed(multipart/alternative(text/plain,multipart/related(text/html,image/jpeg,image/png)),text/vcard)")
        for file in ["photo.jpg", "diagram.png", "contact.vcf"] {
            #expect(parsed.parts.first { $0.filename == file }?.data == (try TestMedia.bytes(file)), "\(file)")
        }
        let cids = parsed.html.components(separatedBy: "src=\"cid:").dropFirst().map { "<" + $0.prefix(while: { $0 != "\"" }) + ">" }
        #expect(cids == parsed.parts.compactMap(\.contentID))
        #expect(parsed.text == email.textBody.replacingLineBreaks(with: "\n"))
        let lines = try #require(MIMETestSupport.crlfLines(bytes))
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("an image whose bytes are another format is attached as a plain file, and the email says so")
    func mismatchedImage() throws {
        let items = [MediaItem(url: "https://media.example.com/x.png", fileName: "x.png", mimeType: "image/png")]
        let email = try EmailRenderer().render(
            EmailRendererTests.message(media: items), route: Self.route, media: try Self.fetched(["photo.jpg"]))
        let attachment = try #require(email.attachments.first)
        #expect(attachment.contentType == "application/octet-stream")
        #expect(!attachment.isInline)
        #expect(attachment.fileName == "x.png")
        let note = "declared image/png but the file is not one; attached as a plain file"
        #expect(email.textBody.contains("- x.png (application/octet-stream, 2.0 KB): attached (\(note))"))
        #expect(email.htmlBody.contains("attached <em>(\(note))</em>"))
        #expect(!email.htmlBody.contains("<img"))
    }

    @Test("an item that was not attached keeps its link and says why, in both parts")
    func notAttached() throws {
        let items = [
            MediaItem(url: "https://media.example.com/big.mp4?a=1&b=2", fileName: "big.mp4", mimeType: "video/mp4"),
            MediaItem(url: "ftp://media.example.com/odd", fileName: "odd"),
        ]
        let reason = "larger than the 10.0 MB limit for one item"
        let email = try EmailRenderer().render(
            EmailRendererTests.message(media: items), route: Self.route,
            media: [.notAttached(reason: reason), .notAttached(reason: "the server\r\nanswered 404")])
        #expect(email.attachments.isEmpty)
        #expect(email.textBody.contains("- big.mp4 (video/mp4): not attached (\(reason)); link: https://media.example.com/big.mp4?a=1&b=2\n"))
        #expect(email.textBody.contains("- odd: not attached (the server answered 404); link: ftp://media.example.com/odd\n"))
        #expect(email.htmlBody.contains(
            "<li><a href=\"https://media.example.com/big.mp4?a=1&amp;b=2\">big.mp4</a> <span style=\"color:#555555;\">(video/mp4)</span>: <em>not attached (\(reason))</em></li>"))
        #expect(email.htmlBody.contains("<li>odd: <code>ftp://media.example.com/odd</code>: <em>not attached (the server answered 404)</em></li>"))
    }

    @Test("without media outcomes the email is exactly what it always was")
    func linksOnly() throws {
        let items = Self.threeItems + [MediaItem.unreadable("no URL in the callback", fileName: "lost.jpg")]
        let message = EmailRendererTests.message(media: items)
        let renderer = try EmailRenderer()
        let email = try renderer.render(message, route: Self.route)
        #expect(email == (try renderer.render(message, route: Self.route, media: nil)))
        #expect(email.attachments.isEmpty)
        #expect(email.textBody.contains("""
            Media (4):
            - photo.jpg (image/jpeg, 9.8 KB): https://media.example.com/1/photo.jpg
            - diagram.png (image/png): https://media.example.com/2/diagram.png
            - contact.vcf (text/vcard): https://media.example.com/3/contact.vcf
            - lost.jpg: could not be read (no URL in the callback)

            --
            """))
        #expect(email.htmlBody.contains("""
            <ul style="margin:0 0 16px;padding-left:20px;">
            <li><a href="https://media.example.com/1/photo.jpg">photo.jpg</a> <span style="color:#555555;">(image/jpeg, 9.8 KB)</span></li>
            <li><a href="https://media.example.com/2/diagram.png">diagram.png</a> <span style="color:#555555;">(image/png)</span></li>
            <li><a href="https://media.example.com/3/contact.vcf">contact.vcf</a> <span style="color:#555555;">(text/vcard)</span></li>
            <li>lost.jpg: <em>could not be read (no URL in the callback)</em></li>
            </ul>
            """))
    }

    @Test("an item with a problem is listed as before whatever its outcome")
    func problemItem() throws {
        let items = [MediaItem.unreadable("no URL in the callback", fileName: "lost.jpg")]
        let email = try EmailRenderer().render(
            EmailRendererTests.message(media: items), route: Self.route, media: try Self.fetched(["photo.jpg"]))
        #expect(email.attachments.isEmpty)
        #expect(email.textBody.contains("- lost.jpg: could not be read (no URL in the callback)\n"))
        #expect(email.htmlBody.contains("<li>lost.jpg: <em>could not be read (no URL in the callback)</em></li>"))
    }

    @Test("a hostile file name is escaped in the alt text and the list, and made safe as the attachment's name")
    func hostileName() throws {
        let name = "<script>alert('x')</script>\".jpg"
        let items = [MediaItem(url: "https://media.example.com/p", fileName: name, mimeType: "image/jpeg")]
        let email = try EmailRenderer().render(
            EmailRendererTests.message(media: items), route: Self.route, media: try Self.fetched(["photo.jpg"]))
        let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;.jpg"
        #expect(!email.htmlBody.contains("<script>"))
        #expect(email.htmlBody.contains("alt=\"\(escaped)\""))
        #expect(email.htmlBody.contains("<br>\(escaped) <span"))
        #expect(email.htmlBody.contains("attached as script.jpg</li>"))
        #expect(email.attachments.map(\.fileName) == ["script.jpg"])
        #expect(email.textBody.contains("- \(name) (image/jpeg, 2.0 KB): attached as script.jpg"))
    }

    @Test("a file name with line breaks cannot reach a header")
    func nameWithLineBreaks() async throws {
        let items = [MediaItem(url: "https://media.example.com/p", fileName: "a\r\nBcc: x\r\n", mimeType: "text/vcard")]
        let email = try EmailRenderer().render(
            EmailRendererTests.message(media: items), route: Self.route, media: try Self.fetched(["contact.vcf"]))
        #expect(email.attachments.map(\.fileName) == ["a Bcc x.vcf"])
        let parsed = try await PythonMIMEParser.parse(MIMEWriter.render(email))
        #expect(parsed.defects.isEmpty)
        #expect(!parsed.headerNames.contains("Bcc"))
        #expect(parsed.attachments.map(\.filename) == ["a Bcc x.vcf"])
    }

    @Test("media outcomes that are not one per item are refused")
    func countMismatch() throws {
        let renderer = try EmailRenderer()
        let message = EmailRendererTests.message(media: Self.threeItems)
        let error = try #require(throws: MailKitError.self) {
            try renderer.render(message, route: Self.route, media: [.notAttached(reason: "x")])
        }
        #expect(error.code == .mediaCountMismatch)
        #expect(error.message.contains("1 media outcome(s)") && error.message.contains("3 media item(s)"))
        #expect(throws: MailKitError.self) {
            try renderer.render(EmailRendererTests.message(), route: Self.route, media: [.notAttached(reason: "x")])
        }
        #expect(try renderer.render(EmailRendererTests.message(), route: Self.route, media: []).attachments.isEmpty)
    }

    @Test("override templates see the new media keys")
    func overrideTemplates() throws {
        let directory = try MIMETestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("text.mustache").path
        try Data("{{#media}}[{{fileName}}|{{#inline}}cid:{{cid}}{{/inline}}{{#attached}}|{{size}}{{/attached}}{{notAttached}}]{{/media}}".utf8)
            .write(to: URL(fileURLWithPath: path))
        let paths = TemplatePaths(text: path)
        let route = Route(recipients: ["a@example.com"], sender: "relay@example.org", templates: paths)
        let items = [Self.threeItems[0], Self.threeItems[2], MediaItem(url: "https://media.example.com/v.mp4")]
        let media: [MediaOutcome] = try Self.fetched(["photo.jpg", "contact.vcf"]) + [.notAttached(reason: "too big")]
        let email = try EmailRenderer(templateSets: [paths]).render(EmailRendererTests.message(media: items), route: route, media: media)
        let cid = try #require(email.attachments.first?.contentID)
        #expect(email.textBody == "[photo.jpg|cid:\(cid)|2.0 KB][contact.vcf||122 bytes][|too big]")
    }
}
