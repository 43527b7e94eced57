import Foundation
import MailKit
import MailRender
import SMSRelayCore
import Testing

@Suite("Email renderer defaults")
struct EmailRendererTests {
    static let route = Route(
        recipients: ["Ann <ann@example.com>", "bob@example.com, \"Smith, Carol\" <carol@example.com>"],
        sender: "SMS Relay <relay@Example.org>"
    )

    static func message(
        from: String = "15551234567",
        body: String = "Hello there",
        media: [MediaItem] = []
    ) -> InboundMessage {
        InboundMessage(
            carrier: "flowroute",
            id: "mdr2-abc123",
            from: from,
            to: "12066418000",
            body: body,
            receivedAt: MIMETestSupport.novemberMorning,
            media: media
        )
    }

    @Test("addresses, date and Message-ID come from the route and the message")
    func envelope() throws {
        let email = try EmailRenderer().render(Self.message(), route: Self.route)
        #expect(email.from == Mailbox(displayName: "+1 555-123-4567", address: "relay@Example.org"))
        #expect(email.to == [
            Mailbox(displayName: "Ann", address: "ann@example.com"),
            Mailbox(address: "bob@example.com"),
            Mailbox(displayName: "Smith, Carol", address: "carol@example.com"),
        ])
        #expect(email.date == MIMETestSupport.novemberMorning)
        #expect(email.messageID == "smsrelay.flowroute.mdr2-abc123@example.org")
        #expect(email.messageID == MessageID.make(carrier: "flowroute", carrierMessageID: "mdr2-abc123", domain: "example.org"))
        #expect(email.attachments.isEmpty)
    }

    @Test("the default subject names both numbers, in international form")
    func subject() throws {
        let email = try EmailRenderer().render(Self.message(), route: Self.route)
        #expect(email.subject == "Text message from +1 555-123-4567 to +1 206-641-8000")
    }

    @Test("the text part shows numbers, text, both times, carrier and message id")
    func textPart() throws {
        let text = try EmailRenderer().render(Self.message(body: "Line one\nLine two"), route: Self.route).textBody
        for expected in [
            "From:       +1 555-123-4567\n", "To:         +1 206-641-8000\n",
            "Numbers:    from 15551234567 to 12066418000, as the carrier gave them", "Line one\nLine two", "2026-11-25T06:30:00Z",
            "Wednesday, 25 November 2026, 06:30:00 UTC", "flowroute", "mdr2-abc123",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
    }

    @Test("the HTML part shows the same details, with line breaks as <br>")
    func htmlPart() throws {
        let html = try EmailRenderer().render(Self.message(body: "Line one\r\nLine two\nLine three"), route: Self.route).htmlBody
        for expected in [
            "<td>+1 555-123-4567</td>", "<td>+1 206-641-8000</td>", "from 15551234567 to 12066418000",
            "Line one<br>Line two<br>Line three", "2026-11-25T06:30:00Z",
            "Wednesday, 25 November 2026, 06:30:00 UTC", "flowroute", "mdr2-abc123", "dir=\"auto\"",
        ] {
            #expect(html.contains(expected), "missing \(expected)")
        }
    }

    @Test("carrier-controlled text is HTML-escaped in the HTML part only")
    func escaping() throws {
        let hostile = "<script>alert('x')</script> & \"quoted\""
        let email = try EmailRenderer().render(Self.message(from: "<b>&\"'", body: hostile), route: Self.route)
        #expect(!email.htmlBody.contains("<script>"))
        #expect(!email.htmlBody.contains("<b>"))
        #expect(email.htmlBody.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"))
        #expect(email.htmlBody.contains("&lt;b&gt;&amp;&quot;&#39;"))
        #expect(email.textBody.contains(hostile))
        #expect(email.subject == "Text message from <b>&\"' to +1 206-641-8000")
        #expect(email.from.displayName == "<b>&\"'")
    }

    @Test("a number with line breaks cannot break the subject or the display name")
    func numberWithLineBreaks() async throws {
        let email = try EmailRenderer().render(Self.message(from: "1555\r\nBcc: x@y"), route: Self.route)
        #expect(email.subject == "Text message from 1555 Bcc: x@y to +1 206-641-8000")
        #expect(email.from.displayName?.contains("\n") == false)
        let parsed = try await PythonMIMEParser.parse(MIMEWriter.render(email))
        #expect(!parsed.headerNames.contains("Bcc"))
    }

    @Test("media are listed as links with name, type and size; only http(s) URLs are links")
    func media() throws {
        let media = [
            MediaItem(url: "https://media.example.com/a/photo.jpg?sig=1&x=\"2\"", fileName: "photo.jpg", mimeType: "image/jpeg", fileSize: 123_456),
            MediaItem(url: "http://media.example.com/clip.3gp"),
            MediaItem(url: "javascript:alert(1)", fileName: "evil"),
            MediaItem(url: "data:text/html,<script>x</script>", mimeType: "text/html", fileSize: 1),
        ]
        let email = try EmailRenderer().render(Self.message(body: "", media: media), route: Self.route)
        let html = email.htmlBody
        #expect(html.contains("<a href=\"https://media.example.com/a/photo.jpg?sig=1&amp;x=&quot;2&quot;\">photo.jpg</a>"))
        #expect(html.contains("(image/jpeg, 120.6 KB)"))
        #expect(html.contains("<a href=\"http://media.example.com/clip.3gp\">clip.3gp</a>"))
        #expect(!html.contains("href=\"javascript"))
        #expect(html.contains("evil: <code>javascript:alert(1)</code>"))
        #expect(!html.contains("href=\"data"))
        #expect(html.contains("<code>data:text/html,&lt;script&gt;x&lt;/script&gt;</code>"))
        #expect(html.contains("(text/html, 1 byte)"))
        #expect(html.contains("(no text)"))
        #expect(email.textBody.contains("- photo.jpg (image/jpeg, 120.6 KB): https://media.example.com/a/photo.jpg?sig=1&x=\"2\""))
        #expect(email.textBody.contains("- clip.3gp: http://media.example.com/clip.3gp"))
        #expect(email.textBody.contains("Media (4):"))
    }

    @Test("a message without media has no media section")
    func noMedia() throws {
        let email = try EmailRenderer().render(Self.message(), route: Self.route)
        #expect(!email.textBody.contains("Media"))
        #expect(!email.htmlBody.contains("Media"))
    }

    @Test("a bad sender or recipient, or no recipient, is a clear error")
    func badRoute() throws {
        let renderer = try EmailRenderer()
        let badSender = try #require(throws: MailKitError.self) {
            try renderer.render(Self.message(), route: Route(recipients: ["a@example.com"], sender: "relay"))
        }
        #expect(badSender.code == .invalidAddress)
        #expect(badSender.message.contains("'relay'"))
        let badRecipient = try #require(throws: MailKitError.self) {
            try renderer.render(Self.message(), route: Route(recipients: ["a@example.com", "nope"], sender: "r@example.org"))
        }
        #expect(badRecipient.code == .invalidAddress)
        let none = try #require(throws: MailKitError.self) {
            try renderer.render(Self.message(), route: Route(recipients: [], sender: "r@example.org"))
        }
        #expect(none.code == .noRecipients)
    }

    @Test("an empty sender number leaves the From without a display name")
    func emptyNumber() throws {
        let email = try EmailRenderer().render(Self.message(from: ""), route: Self.route)
        #expect(email.from.displayName == nil)
    }
}
