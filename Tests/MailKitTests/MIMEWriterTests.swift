import Foundation
import Testing

@testable import MailKit

@Suite("MIME writer")
struct MIMEWriterTests {
    @Test("the header block has our fields in order, with an RFC 5322 date")
    func headers() throws {
        let message = MIMEWriter.render(MIMETestSupport.email())
        let headers = MIMETestSupport.headers(message)
        #expect(headers.map(\.name) == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"])
        let value = { (name: String) in headers.first { $0.name == name }?.value }
        #expect(value("From") == "15551234567 <relay@example.org>")
        #expect(value("To") == "ann@example.com")
        #expect(value("Date") == "Wed, 25 Nov 2026 06:30:00 +0000")
        #expect(value("Message-ID") == "<smsrelay.test.1@example.org>")
        #expect(value("MIME-Version") == "1.0")
        let boundary = MIMEWriter.Boundaries(messageID: "smsrelay.test.1@example.org").alternative
        #expect(value("Content-Type") == "multipart/alternative; boundary=\"\(boundary)\"")
        #expect(MIMETestSupport.headerLines(message).allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("every line ends with CRLF and none is longer than 998 characters")
    func lineEndings() throws {
        let email = MIMETestSupport.email(
            subject: String(repeating: "long subject ", count: 30),
            text: "one\ntwo\rthree\r\n" + String(repeating: "y", count: 2000),
            html: "<p>\n" + String(repeating: "é", count: 1000) + "\n</p>",
            attachments: [Attachment(fileName: "x.bin", contentType: "application/octet-stream", data: Array(0...255))]
        )
        let message = MIMEWriter.render(email)
        let lines = try #require(MIMETestSupport.crlfLines(message), "a bare CR or LF")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        #expect(message.suffix(2) == [0x0D, 0x0A])
    }

    @Test("rendering the same email twice gives identical bytes")
    func deterministic() {
        let email = MIMETestSupport.email(
            subject: "Déjà vu 😀",
            attachments: [Attachment(fileName: "é.txt", contentType: "text/plain", data: Array("hi".utf8))]
        )
        #expect(MIMEWriter.render(email) == MIMEWriter.render(email))
        #expect(MIMEWriter.render(email) == MIMEWriter.render(MIMETestSupport.email(
            subject: "Déjà vu 😀",
            attachments: [Attachment(fileName: "é.txt", contentType: "text/plain", data: Array("hi".utf8))]
        )))
    }

    @Test("boundaries come from the Message-ID and differ between messages")
    func boundaries() {
        let one = MIMEWriter.Boundaries(messageID: "a@example.org")
        let two = MIMEWriter.Boundaries(messageID: "b@example.org")
        #expect(one.alternative != two.alternative)
        #expect(one.alternative == MIMEWriter.Boundaries(messageID: "a@example.org").alternative)
        #expect(!one.mixed.hasPrefix(one.alternative) && !one.alternative.hasPrefix(one.mixed))
        #expect(one.alternative.utf8.count <= 70)
    }

    @Test("content that spells out the boundary cannot end a part")
    func boundaryInContent() async throws {
        let boundaries = MIMEWriter.Boundaries(messageID: "smsrelay.test.1@example.org")
        let hostile = "--\(boundaries.alternative)\n--\(boundaries.alternative)--\n--\(boundaries.mixed)--"
        let email = MIMETestSupport.email(
            text: hostile,
            html: hostile,
            attachments: [Attachment(fileName: "b.txt", contentType: "text/plain", data: Array(hostile.utf8))]
        )
        let message = MIMEWriter.render(email)
        let lines = try #require(MIMETestSupport.crlfLines(message))
        #expect(lines.filter { $0.hasPrefix("--" + boundaries.alternative) }.count == 3)
        #expect(lines.filter { $0.hasPrefix("--" + boundaries.mixed) }.count == 3)
        let parsed = try await PythonMIMEParser.parse(message)
        #expect(parsed.text == hostile)
        #expect(parsed.html == hostile)
        #expect(parsed.attachments.first?.data == Array(hostile.utf8))
    }

    @Test("the text and HTML parts are UTF-8 quoted-printable and decode to the bodies")
    func alternativeParts() throws {
        let text = "Hello 😀\nשלום\n"
        let html = "<p dir=\"auto\">مرحبا = hi</p>"
        let message = MIMEWriter.render(MIMETestSupport.email(text: text, html: html))
        let textBody = try #require(MIMETestSupport.partBody(message, containing: "Content-Type: text/plain; charset=UTF-8"))
        let htmlBody = try #require(MIMETestSupport.partBody(message, containing: "Content-Type: text/html; charset=UTF-8"))
        #expect(MIMETestSupport.decodeQuotedPrintable(textBody) == Array("Hello 😀\r\nשלום\r\n".utf8))
        #expect(MIMETestSupport.decodeQuotedPrintable(htmlBody) == Array(html.utf8))
        let lines = try #require(MIMETestSupport.crlfLines(message))
        #expect(lines.filter { $0 == "Content-Transfer-Encoding: quoted-printable" }.count == 2)
    }

    @Test("attachments wrap the message in multipart/mixed with base64 parts")
    func attachments() async throws {
        let data = (0..<1000).map { UInt8($0 % 251) }
        let email = MIMETestSupport.email(attachments: [
            Attachment(fileName: "photo.jpg", contentType: "image/jpeg", data: data),
            Attachment(fileName: "résumé été.pdf", contentType: "Application/PDF", data: [0x25, 0x50]),
            Attachment(fileName: String(repeating: "ü", count: 40) + ".txt", contentType: "multipart/mixed", data: []),
        ])
        let message = MIMEWriter.render(email)
        let lines = try #require(MIMETestSupport.crlfLines(message))
        #expect(lines.contains("Content-Type: image/jpeg; name=\"photo.jpg\""))
        #expect(lines.contains("Content-Disposition: attachment; filename=\"photo.jpg\""))
        #expect(lines.contains("Content-Type: application/pdf;"))
        #expect(lines.contains(" name*=UTF-8''r%C3%A9sum%C3%A9%20%C3%A9t%C3%A9.pdf"))
        #expect(lines.contains(" filename*0*=UTF-8''%C3%BC%C3%BC%C3%BC%C3%BC%C3%BC%C3%BC%C3%BC%C3%BC;"))
        let base64Lines = lines.filter { $0.count > 40 && $0.allSatisfy { $0.isLetter || $0.isNumber || "+/=".contains($0) } }
        #expect(!base64Lines.isEmpty)
        #expect(base64Lines.allSatisfy { $0.count <= 76 })

        let parsed = try await PythonMIMEParser.parse(message)
        #expect(parsed.contentType == "multipart/mixed")
        #expect(parsed.defects.isEmpty)
        #expect(parsed.attachments.map(\.filename) == ["photo.jpg", "résumé été.pdf", String(repeating: "ü", count: 40) + ".txt"])
        #expect(parsed.attachments.map(\.contentType) == ["image/jpeg", "application/pdf", "application/octet-stream"])
        #expect(parsed.attachments.first?.data == data)
        #expect(parsed.text == "Plain text")
    }

    @Test("an email without recipients says so rather than writing an empty To")
    func undisclosedRecipients() {
        let headers = MIMETestSupport.headers(MIMEWriter.render(MIMETestSupport.email(to: [])))
        #expect(headers.first { $0.name == "To" }?.value == "undisclosed-recipients:;")
    }
}
