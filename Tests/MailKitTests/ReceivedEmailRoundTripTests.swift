import Foundation
import Testing
import TestSupport

@testable import MailKit

/// Emails written by our own MIMEWriter, read back by the received-email parser.
@Suite("Written emails read back")
struct ReceivedEmailRoundTripTests {
    @Test("every sample subject reads back", arguments: HeaderEncodingTests.subjects)
    func subjects(_ subject: String) throws {
        let email = try ReceivedEmail(parsing: MIMEWriter.render(MIMETestSupport.email(subject: subject)))
        #expect(email.subject.map(Self.trimmed) == Self.trimmed(subject))
    }

    @Test("every quoted-printable sample reads back as text and HTML", arguments: QuotedPrintableTests.samples)
    func bodies(_ sample: String) throws {
        let email = try ReceivedEmail(parsing: MIMEWriter.render(MIMETestSupport.email(text: sample, html: sample)))
        #expect(email.bodyText == sample.replacingLineBreaks(with: "\n"))
        #expect(email.root.first { $0.contentType == "text/html" }?.text == sample.replacingLineBreaks(with: "\n"))
    }

    @Test("generated emails read back: subject, addresses, id, text, HTML and every attachment's bytes")
    func generated() throws {
        for seed in UInt64(1)...48 {
            var random = SplitMix64(seed: seed)
            let written = Self.randomEmail(using: &random)
            let email = try ReceivedEmail(parsing: MIMEWriter.render(written))
            let context = Comment(rawValue: "seed \(seed)")
            #expect(email.subject == written.subject, context)
            #expect(email.from == [written.from], context)
            #expect(email.to == written.to, context)
            #expect(email.messageID == written.messageID, context)
            #expect(email.bodyText == written.textBody.replacingLineBreaks(with: "\n"), context)
            #expect(email.root.first { $0.contentType == "text/html" }?.text == written.htmlBody.replacingLineBreaks(with: "\n"), context)

            let files = email.root.allParts.filter { $0.children.isEmpty && $0.disposition != nil }
            let expected = written.attachments.filter(\.isInline) + written.attachments.filter { !$0.isInline }
            #expect(files.map(\.body) == expected.map(\.data), context)
            #expect(files.map(\.fileName) == expected.map { $0.fileName.isEmpty ? nil : $0.fileName }, context)
            #expect(files.map(\.contentType) == expected.map { MIMEParameter.attachmentContentType($0.contentType) }, context)
            #expect(files.map(\.disposition) == expected.map { $0.isInline ? "inline" : "attachment" }, context)
        }
    }

    // MARK: - Generation

    static let words = [
        "Hello", "café", "naïve", "Ærøskøbing", "😀", "👍🏽", "👨‍👩‍👧‍👦", "שלום", "مرحبا", "日本語", "テキスト", "a=b", "==",
        "=?", "?=", "100%", "\"quoted\"", "back\\slash", "(paren)", "<angle>", "x;y", "Zoë", "€5", "—", "Ünïcödé",
        String(repeating: "long", count: 25), "e\u{301}", "dot.", ".",
    ]
    static let lines = [
        "", "Plain line.", "trailing spaces   ", "trailing tab\t", ".", "..leading dots", "From the start",
        "= signs == here =", "> looks quoted", "-- ", String(repeating: "wrap me ", count: 30), String(repeating: "é", count: 90),
        "<b>not html</b> & more", "--=_smsrelay_alt_0000 not a boundary",
    ]
    static let names = ["Zoë Ünal", "Smith, Bob", "Ann \"The Boss\" Smith", "15551234567", "שלום עולם", "O'Brien", "😀 Emoji"]
    static let fileNames = [
        "photo.jpg", "", "résumé final version 2026 — Zoë Ünal's copy (1).pdf", "a \"quoted\" name.txt",
        String(repeating: "very long name ", count: 8) + ".png", "日本語.gif", "semi;colon=equals.bin",
    ]
    static let contentTypes = ["image/jpeg", "application/pdf", "text/plain", "IMAGE/PNG", "not a type", "audio/amr"]

    static func randomEmail(using random: inout SplitMix64) -> Email {
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        let subject = (0..<Int.random(in: 1...8, using: &random)).map { _ in pick(words) }.joined(separator: " ")
        let breaks = ["\n", "\r\n"]
        let text = (0..<Int.random(in: 0...12, using: &random)).map { _ in pick(lines) + (Bool.random(using: &random) ? " " + pick(words) : "") }
            .joined(separator: pick(breaks))
        let html = "<p>" + (0..<Int.random(in: 0...6, using: &random)).map { _ in pick(words) }.joined(separator: "<br>\n") + "</p>"
        var attachments: [MailKit.Attachment] = []
        for index in 0..<Int.random(in: 0...3, using: &random) {
            let data = (0..<Int.random(in: 0...3000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let contentID = Bool.random(using: &random) ? "part\(index).\(pick(words))@example.org" : nil
            attachments.append(MailKit.Attachment(fileName: pick(fileNames), contentType: pick(contentTypes), data: data, contentID: contentID))
        }
        return Email(
            from: Mailbox(displayName: pick(names), address: "relay@example.org"),
            to: (0..<Int.random(in: 1...3, using: &random)).map { Mailbox(displayName: Bool.random(using: &random) ? pick(names) : nil, address: "to\($0)@example.com") },
            subject: subject,
            date: MIMETestSupport.novemberMorning,
            messageID: "smsrelay.test.\(Int.random(in: 0...1_000_000, using: &random))@example.org",
            textBody: text,
            htmlBody: html,
            attachments: attachments
        )
    }

    private static func trimmed(_ value: String) -> String {
        String(value.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
