import Testing

@testable import MailKit

@Suite("Header injection")
struct HeaderInjectionTests {
    static let expectedHeaders = ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"]
    static let payloads: [Escaped] = [
        "Hi\r\nBcc: x@y",
        "Hi\nBcc: x@y",
        "Hi\rBcc: x@y",
        "Hi\r\n\r\nBody takeover",
        "Hi\u{2028}Bcc: x@y",
        "Hi\u{85}Bcc: x@y",
        "Hi\0\u{1B}[31m\u{7F}",
    ]

    @Test("a subject cannot start a new header", arguments: payloads)
    func subject(_ escaped: Escaped) throws {
        let payload = escaped.value
        try expectOnlyOurHeaders(MIMETestSupport.email(subject: payload))
    }

    @Test("a display name cannot start a new header", arguments: payloads)
    func displayName(_ escaped: Escaped) throws {
        let payload = escaped.value
        try expectOnlyOurHeaders(MIMETestSupport.email(from: Mailbox(displayName: payload, address: "a@example.com")))
        try expectOnlyOurHeaders(MIMETestSupport.email(to: [Mailbox(displayName: payload, address: "b@example.com")]))
    }

    @Test("an address cannot start a new header", arguments: payloads)
    func address(_ escaped: Escaped) throws {
        let payload = escaped.value
        try expectOnlyOurHeaders(MIMETestSupport.email(to: [Mailbox(address: "b@example.com" + payload)]))
        try expectOnlyOurHeaders(MIMETestSupport.email(from: Mailbox(address: payload + "a@example.com")))
    }

    @Test("a message id cannot start a new header", arguments: payloads)
    func messageID(_ escaped: Escaped) throws {
        let payload = escaped.value
        try expectOnlyOurHeaders(MIMETestSupport.email(messageID: "id@example.org" + payload))
    }

    @Test("an attachment's name and type cannot add part headers", arguments: payloads)
    func attachment(_ escaped: Escaped) async throws {
        let payload = escaped.value
        let attachment = Attachment(fileName: "a.txt" + payload, contentType: "text/plain" + payload, data: [1, 2, 3])
        let message = MIMEWriter.render(MIMETestSupport.email(attachments: [attachment]))
        let lines = try #require(MIMETestSupport.crlfLines(message))
        #expect(!lines.contains { $0.hasPrefix("Bcc:") || $0 == "Body takeover" })
        let parsed = try await PythonMIMEParser.parse(message)
        #expect(parsed.attachments.count == 1)
        #expect(parsed.attachments.first?.data == [1, 2, 3])
        #expect(parsed.attachments.first?.contentType == "application/octet-stream")
    }

    @Test("Python's parser sees no Bcc when the subject and name carry one")
    func independentParserSeesNoBcc() async throws {
        let email = MIMETestSupport.email(
            subject: "Hi\r\nBcc: x@y",
            from: Mailbox(displayName: "Eve\r\nBcc: y@z", address: "relay@example.org")
        )
        let parsed = try await PythonMIMEParser.parse(MIMEWriter.render(email))
        #expect(parsed.headerNames == Self.expectedHeaders)
        #expect(parsed.subject == "Hi  Bcc: x@y")
        #expect(parsed.from.first?.address == "relay@example.org")
        #expect(parsed.defects.isEmpty)
    }

    /// Parses the header block and checks it holds exactly the fields MIMEWriter writes, each once,
    /// and that the message uses CRLF throughout.
    private func expectOnlyOurHeaders(_ email: Email) throws {
        let message = MIMEWriter.render(email)
        #expect(MIMETestSupport.crlfLines(message) != nil, "a bare CR or LF in the message")
        let names = MIMETestSupport.headers(message).map(\.name)
        #expect(names == Self.expectedHeaders)
        for line in MIMETestSupport.headerLines(message) {
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        }
    }
}
