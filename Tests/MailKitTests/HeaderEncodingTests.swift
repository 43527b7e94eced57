import Testing

@testable import MailKit

@Suite("Header encoding and folding")
struct HeaderEncodingTests {
    static let subjects: [String] = [
        "Plain ASCII subject",
        "Café crème",
        "Emoji 😀 in the subject",
        "שלום עולם — مرحبا بالعالم",
        String(repeating: "Ünïcödé ", count: 20),
        String(repeating: "😀", count: 60),
        String(repeating: "word ", count: 40),
        "Family 👨‍👩‍👧‍👦 and zalgo a" + String(repeating: "\u{0301}", count: 40) + " end",
        "Looks like =?UTF-8?B?encoded?= but is not",
        String(repeating: "x", count: 200),
    ]

    @Test("the subject decodes back to the original text", arguments: subjects)
    func subjectRoundTrip(_ subject: String) throws {
        let message = MIMEWriter.render(MIMETestSupport.email(subject: subject))
        let value = try #require(MIMETestSupport.headers(message).first { $0.name == "Subject" }?.value)
        #expect(MIMETestSupport.decodeEncodedWords(value) == subject)
    }

    @Test("no header line is longer than 78 characters", arguments: subjects)
    func foldedLines(_ subject: String) {
        let message = MIMEWriter.render(MIMETestSupport.email(subject: subject))
        for line in MIMETestSupport.headerLines(message) {
            #expect(line.utf8.count <= 78, "too long: \(line)")
        }
    }

    @Test("every encoded word is at most 75 characters and holds whole characters", arguments: subjects)
    func encodedWordsAreWhole(_ subject: String) throws {
        let message = MIMEWriter.render(MIMETestSupport.email(subject: subject))
        let value = try #require(MIMETestSupport.headers(message).first { $0.name == "Subject" }?.value)
        for word in value.split(separator: " ") where word.hasPrefix("=?") {
            #expect(word.count <= 75)
            #expect(MIMETestSupport.decodeEncodedWords(String(word)) != nil, "word splits a character: \(word)")
        }
    }

    @Test("non-ASCII text is written as UTF-8 B encoded words, ASCII text as is")
    func encodingChoice() {
        #expect(subjectHeader("Café") == ["Subject: =?UTF-8?B?Q2Fmw6k=?="])
        #expect(subjectHeader("Plain words") == ["Subject: Plain words"])
        #expect(subjectHeader("a =?x?= b").first?.hasPrefix("Subject: =?UTF-8?B?") == true)
    }

    @Test("a long ASCII subject folds at spaces and unfolds to the original")
    func asciiFolding() throws {
        let subject = (1...30).map { "word\($0)" }.joined(separator: " ")
        let lines = subjectHeader(subject)
        #expect(lines.count > 1)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(String(lines.joined().dropFirst("Subject: ".count)) == subject)
    }

    @Test("display names: atoms as is, specials quoted and escaped, non-ASCII encoded")
    func displayNames() throws {
        #expect(fromValue("Ann Smith") == "Ann Smith <a@example.com>")
        #expect(fromValue("+15551234567") == "+15551234567 <a@example.com>")
        #expect(fromValue("Smith, Ann") == "\"Smith, Ann\" <a@example.com>")
        #expect(fromValue("Ann \"The Boss\" Smith") == #""Ann \"The Boss\" Smith" <a@example.com>"#)
        #expect(fromValue(#"back\slash"#) == #""back\\slash" <a@example.com>"#)
        #expect(fromValue("Ann.Smith") == "\"Ann.Smith\" <a@example.com>")
        let encoded = try #require(fromValue("Zoë Ünal"))
        #expect(encoded.hasPrefix("=?UTF-8?B?"))
        #expect(MIMETestSupport.decodeEncodedWords(encoded) == "Zoë Ünal <a@example.com>")
        #expect(fromValue(nil) == "a@example.com")
    }

    @Test("a long recipient list folds between addresses")
    func recipientFolding() async throws {
        let to = (1...12).map { Mailbox(displayName: "Person \($0)", address: "person\($0)@example.com") }
        let message = MIMEWriter.render(MIMETestSupport.email(to: to))
        let lines = MIMETestSupport.headerLines(message)
        let start = try #require(lines.firstIndex { $0.hasPrefix("To:") })
        let field = lines[start...].prefix { $0.hasPrefix("To:") || $0.hasPrefix(" ") }
        #expect(field.count > 1)
        #expect(field.allSatisfy { $0.utf8.count <= 78 })
        let parsed = try await PythonMIMEParser.parse(message)
        #expect(parsed.to.map(\.address) == to.map(\.address))
        #expect(parsed.to.map(\.name) == to.map { $0.displayName ?? "" })
    }

    private func subjectHeader(_ subject: String) -> [String] {
        let lines = MIMETestSupport.headerLines(MIMEWriter.render(MIMETestSupport.email(subject: subject)))
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Subject:") }) else { return [] }
        return [lines[start]] + lines[(start + 1)...].prefix { $0.hasPrefix(" ") }
    }

    private func fromValue(_ name: String?) -> String? {
        let email = MIMETestSupport.email(from: Mailbox(displayName: name, address: "a@example.com"))
        return MIMETestSupport.headers(MIMEWriter.render(email)).first { $0.name == "From" }?.value
    }
}
