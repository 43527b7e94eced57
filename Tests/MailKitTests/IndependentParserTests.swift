import Foundation
import MailKit
import MailRender
import SMSRelayCore
import Testing

/// The whole pipeline (renderer, then MIME writer) checked by Python's `email` package.
@Suite("Rendered message read by an independent MIME parser")
struct IndependentParserTests {
    static let body = """
        Hi 👋🏽 — café, naïve, Ærø.
        שלום! مرحبا! <script>alert("x")</script> & more
        = signs == here, trailing spaces  \u{20}
        .
        \(String(repeating: "long line ", count: 20))end
        """

    @Test("Python decodes the headers and both parts back to what was rendered")
    func wholeMessage() async throws {
        let message = InboundMessage(
            carrier: "flowroute",
            id: "mdr2-Ω\r\n42",
            from: "15551234567",
            to: "12066418000",
            body: Self.body,
            receivedAt: MIMETestSupport.novemberMorning,
            media: [MediaItem(url: "https://media.example.com/p.jpg?a=1&b=2", fileName: "p.jpg", mimeType: "image/jpeg", fileSize: 2048)]
        )
        let route = Route(recipients: ["Zoë Ünal <zoe@example.com>", "\"Smith, Bob\" <bob@example.com>"], sender: "relay@example.org")
        var email = try EmailRenderer().render(message, route: route)
        email.subject = "Über 😀 " + email.subject + " — " + String(repeating: "שלום ", count: 10)
        let bytes = MIMEWriter.render(email)
        #expect(bytes == MIMEWriter.render(email), "rendering is not deterministic")

        let parsed = try await PythonMIMEParser.parse(bytes)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.headerNames == [
            "From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "MIME-Version", "Content-Type",
        ])
        #expect(parsed.subject == email.subject)
        #expect(parsed.from == [PythonMIMEParser.Address(name: "+1 555-123-4567", address: "relay@example.org")])
        #expect(parsed.to == [
            PythonMIMEParser.Address(name: "Zoë Ünal", address: "zoe@example.com"),
            PythonMIMEParser.Address(name: "Smith, Bob", address: "bob@example.com"),
        ])
        #expect(parsed.date == "2026-11-25T06:30:00+00:00")
        #expect(parsed.messageID == "<\(email.messageID)>")
        #expect(parsed.mimeVersion == "1.0")
        #expect(parsed.contentType == "multipart/alternative")
        #expect(parsed.parts.map(\.contentType) == ["multipart/alternative", "text/plain", "text/html"])
        #expect(parsed.parts.dropFirst().allSatisfy { $0.charset == "utf-8" && $0.transferEncoding == "quoted-printable" })

        // The decoded parts are exactly what the templates produced (Python reports line
        // breaks as LF). The carrier's id held a CRLF: it is a space in both, never a line of its own.
        #expect(parsed.text == email.textBody.replacingLineBreaks(with: "\n"))
        #expect(parsed.html == email.htmlBody.replacingLineBreaks(with: "\n"))
        #expect(parsed.text.contains("mdr2-Ω 42"))
        #expect(!parsed.text.contains("\n42"))
        #expect(parsed.text.contains(Self.body))
        #expect(parsed.html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"))
        #expect(parsed.html.contains("<a href=\"https://media.example.com/p.jpg?a=1&amp;b=2\">p.jpg</a>"))
    }

    @Test("Python reads the quoted-printable of every sample back unchanged", arguments: QuotedPrintableTests.samples)
    func quotedPrintableSamples(_ sample: String) async throws {
        let parsed = try await PythonMIMEParser.parse(MIMEWriter.render(MIMETestSupport.email(text: sample, html: sample)))
        let expected = sample.replacingLineBreaks(with: "\n")
        #expect(parsed.text == expected)
        #expect(parsed.html == expected)
    }

    @Test("Python reads every sample subject back unchanged", arguments: HeaderEncodingTests.subjects)
    func subjects(_ subject: String) async throws {
        let parsed = try await PythonMIMEParser.parse(MIMEWriter.render(MIMETestSupport.email(subject: subject)))
        #expect(parsed.subject == subject)
        #expect(parsed.defects.isEmpty)
    }
}
