import Foundation
import Testing
@testable import MailKit
import SMSRelayCore

@Test func scratch() throws {
    let renderer = try EmailRenderer()
    let message = InboundMessage(carrier: "flowroute", id: "mdr2-abc\r\nBcc: x@y", from: "15551234567", to: "12066418000",
        body: "Hello <script>alert('x')</script> & \"q\"\nSecond line 😀 café שלום مرحبا", receivedAt: Date(timeIntervalSince1970: 1_795_588_200),
        media: [MediaItem(url: "https://example.com/a/b.jpg?x=1&y=\"2\"", mimeType: "image/jpeg", fileSize: 123456), MediaItem(url: "javascript:alert(1)")])
    var email = try renderer.render(message, route: Route(recipients: ["Ann <ann@example.com>, \"Bob, Jr\" <bob@example.com>"], sender: "relay@Example.org"))
    email.subject = "Ünïcödé subject with a rather long text that will need folding across lines 😀 and more words here\r\nBcc: x@y"
    email.from.displayName = "Zoë \"Z\" O'Neil\r\nBcc: evil@x"
    email.attachments = [Attachment(fileName: "résumé très long nom de fichier avec accents éèê.pdf", contentType: "application/pdf", data: Array(repeating: 65, count: 200))]
    let bytes = MIMEWriter.render(email)
    try Data(bytes).write(to: URL(fileURLWithPath: "/tmp/mailkit-dev/out.eml"))
}
