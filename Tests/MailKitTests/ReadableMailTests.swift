import Foundation
import MailKit
import MailRender
import SMSRelayCore
import Testing
import TestSupport

@Suite("Readable, threaded emails")
struct ReadableMailTests {
    static let alice = "12065550100"
    static let route = Route(
        recipients: ["me@example.com"], sender: "SMS <sms@example.org>",
        contacts: ["+1 206-555-0100": "Alice", "12066418000": "Work line", "4915123456789": "Zoë Ünal"])

    static func message(id: String = "mdr2-1", from: String = alice, to: String = "12066418000", at date: Date = MIMETestSupport.novemberMorning)
        -> InboundMessage
    {
        InboundMessage(carrier: "flowroute", id: id, from: from, to: to, body: "Hi", receivedAt: date)
    }

    // MARK: - Names and numbers

    @Test("a known number is shown by its contact name and number, in From, the subject and both parts")
    func contactNames() async throws {
        let email = try EmailRenderer().render(Self.message(), route: Self.route)
        #expect(email.from == Mailbox(displayName: "Alice (+1 206-555-0100)", address: "sms@example.org"))
        #expect(email.subject == "Text message from Alice (+1 206-555-0100) to Work line (+1 206-641-8000)")
        #expect(email.textBody.contains("From:       Alice (+1 206-555-0100)\n"))
        #expect(email.textBody.contains("Numbers:    from 12065550100 to 12066418000, as the carrier gave them\n"))
        #expect(email.htmlBody.contains("<td>Alice (+1 206-555-0100)</td>"))

        let bytes = MIMEWriter.render(email)
        let from = try #require(MIMETestSupport.headers(bytes).first { $0.name == "From" })
        #expect(from.value == "\"Alice (+1 206-555-0100)\" <sms@example.org>")
        let parsed = try await MIMETree.parse(bytes)
        #expect(parsed.allDefects.isEmpty)
        #expect(parsed.headers?["From"] == "\"Alice (+1 206-555-0100)\" <sms@example.org>")
    }

    @Test("a name outside ASCII is written as encoded words, and reads back whole")
    func nonASCIIName() async throws {
        let email = try EmailRenderer().render(Self.message(from: "4915123456789"), route: Self.route)
        #expect(email.from.displayName == "Zoë Ünal (+49 1512 3456789)")
        let bytes = MIMEWriter.render(email)
        let from = try #require(MIMETestSupport.headerLines(bytes).first { $0.hasPrefix("From:") })
        #expect(from.hasPrefix("From: =?UTF-8?B?"))
        #expect(from.utf8.allSatisfy { $0 < 0x80 })
        let parsed = try await MIMETree.parse(bytes)
        #expect(parsed.allDefects.isEmpty)
        #expect(parsed.headers?["From"] == "\"Zoë Ünal (+49 1512 3456789)\" <sms@example.org>")
    }

    @Test("a contact name with line breaks or quotes starts no header and breaks no quoting")
    func hostileName() async throws {
        let route = Route(
            recipients: ["me@example.com"], sender: "sms@example.org",
            contacts: [Self.alice: "Eve\r\nBcc: victim@example.net \"x\" \\"])
        let email = try EmailRenderer().render(Self.message(), route: route)
        let bytes = MIMEWriter.render(email)
        #expect(!MIMETestSupport.headers(bytes).contains { $0.name == "Bcc" })
        let parsed = try await MIMETree.parse(bytes)
        #expect(parsed.allDefects.isEmpty)
        #expect(parsed.headers?["From"]?.hasSuffix("<sms@example.org>") == true)
        #expect(!email.subject.contains("\n") && !email.textBody.contains("Eve\r\n"))
    }

    @Test("templates see the readable numbers, the raw ones, and the contact names")
    func templateValues() throws {
        let directory = try MIMETestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("text.mustache").path
        try "{{from}}|{{fromRaw}}|{{fromName}}|{{fromDisplay}}|{{to}}|{{toRaw}}|{{toName}}|{{toDisplay}}|{{timeZone}}|{{receivedAtLocal}}"
            .write(toFile: path, atomically: true, encoding: .utf8)
        var route = Self.route
        route.templates = TemplatePaths(text: path)
        let renderer = try EmailRenderer(templateSets: [route.templates], timeZone: try #require(ReadableTimeZone(named: "Europe/Paris")))
        #expect(try renderer.render(Self.message(), route: route).textBody == [
            "+1 206-555-0100", "12065550100", "Alice", "Alice (+1 206-555-0100)",
            "+1 206-641-8000", "12066418000", "Work line", "Work line (+1 206-641-8000)",
            "Europe/Paris", "2026-11-25T07:30:00+01:00",
        ].joined(separator: "|"))
        // An unknown number has no name; a short code stays as given.
        let short = try renderer.render(Self.message(from: "72345", to: ""), route: route).textBody
        #expect(short.hasPrefix("72345|72345||72345|(unknown number)|||(unknown number)|"))
    }

    // MARK: - Times

    @Test("the readable time is in SMSRELAY_TIMEZONE, with its offset, and ISO 8601 UTC stays beside it",
          arguments: [
            ("UTC", 1_795_588_200, "Wednesday, 25 November 2026, 06:30:00 UTC"),
            ("Europe/Paris", 1_795_588_200, "Wednesday, 25 November 2026, 07:30:00 UTC+01:00"),
            ("Europe/Paris", 1_784_961_000, "Saturday, 25 July 2026, 08:30:00 UTC+02:00"),
            ("America/New_York", 1_795_588_200, "Wednesday, 25 November 2026, 01:30:00 UTC-05:00"),
            ("America/Los_Angeles", 1_795_588_200, "Tuesday, 24 November 2026, 22:30:00 UTC-08:00"),
            ("Asia/Kolkata", 1_795_588_200, "Wednesday, 25 November 2026, 12:00:00 UTC+05:30"),
            ("Europe/London", 1_795_588_200, "Wednesday, 25 November 2026, 06:30:00 UTC"),
          ])
    func timeZones(_ zone: String, _ seconds: Int, _ readable: String) throws {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        let renderer = try EmailRenderer(timeZone: try #require(ReadableTimeZone(named: zone)))
        let email = try renderer.render(Self.message(at: date), route: Self.route)
        let utc = UTCTime(date).iso8601
        #expect(email.textBody.contains("Received:   \(readable) (\(utc))\n"), "\(email.textBody)")
        #expect(email.htmlBody.contains("\(readable) (<time datetime=\"\(utc)\">\(utc)</time>)"))
        #expect(email.date == date, "the Date header stays the moment itself")
    }

    @Test("an unknown time zone name is refused")
    func unknownZone() {
        #expect(ReadableTimeZone(named: "Mars/Olympus_Mons") == nil)
        #expect(ReadableTimeZone(named: "Europe/Paris")?.name == "Europe/Paris")
    }

    // MARK: - Threads

    static func root(_ email: Email) -> String? { email.references.first }

    @Test("every email of a conversation names the same root in In-Reply-To and References")
    func sameConversation() throws {
        let renderer = try EmailRenderer()
        let first = try renderer.render(Self.message(id: "m1"), route: Self.route, thread: .position(1))
        let second = try renderer.render(Self.message(id: "m2", at: MIMETestSupport.novemberMorning.addingTimeInterval(60)), route: Self.route, thread: .position(2))
        let root = try #require(Self.root(first))
        #expect(first.inReplyTo == root && first.references == [root])
        #expect(second.inReplyTo == root && second.references == [root])
        #expect(first.messageID != second.messageID)
        #expect(first.subject == second.subject, "a stable subject, as Gmail asks")
        #expect(root == MessageID.conversationRoot(conversation: "12066418000:12065550100", segment: "1", domain: "example.org"))
        #expect(root.wholeMatch(of: /smsrelay\.thread\.[0-9a-f]{16}\.1@example\.org/) != nil, "\(root)")
    }

    @Test("another texter, or another of our numbers, is another thread")
    func otherConversations() throws {
        let renderer = try EmailRenderer()
        let roots = try [
            Self.message(), Self.message(from: "12065550101"), Self.message(to: "12066418001"),
            Self.message(from: "12066418000", to: Self.alice),
        ].map { try #require(Self.root(try renderer.render($0, route: Self.route, thread: .position(1)))) }
        #expect(Set(roots).count == roots.count)
    }

    @Test("texts 1 to 100 of a conversation share a root, the 101st starts the next")
    func rollOver() throws {
        #expect(ConversationThread.position(1) == ConversationThread.position(100))
        #expect(ConversationThread.position(100) != ConversationThread.position(101))
        #expect(ConversationThread.position(101) == ConversationThread.position(200))
        #expect(ConversationThread.position(201).segment == "3")
        let renderer = try EmailRenderer()
        let hundredth = try renderer.render(Self.message(id: "m100"), route: Self.route, thread: .position(100))
        let next = try renderer.render(Self.message(id: "m101"), route: Self.route, thread: .position(101))
        #expect(Self.root(hundredth) != Self.root(next))
    }

    @Test("without a count (Lambda), a conversation's thread is its month in UTC, the same on every retry")
    func monthly() throws {
        let renderer = try EmailRenderer()
        let late = Date(timeIntervalSince1970: 1_796_083_199)  // 2026-11-30T23:59:59Z
        #expect(ConversationThread.month(of: late).segment == "m2026-11")
        #expect(ConversationThread.month(of: late.addingTimeInterval(1)).segment == "m2026-12")
        let a = try renderer.render(Self.message(id: "m1", at: MIMETestSupport.novemberMorning), route: Self.route)
        let b = try renderer.render(Self.message(id: "m2", at: late), route: Self.route)
        let c = try renderer.render(Self.message(id: "m3", at: late.addingTimeInterval(1)), route: Self.route)
        #expect(Self.root(a) == Self.root(b))
        #expect(Self.root(b) != Self.root(c))
        #expect(try renderer.render(Self.message(id: "m1"), route: Self.route) == a, "a retried callback renders the same email")
    }

    @Test("the thread headers are written exactly, and Python reads them back")
    func threadHeaders() async throws {
        let email = try EmailRenderer().render(Self.message(), route: Self.route, thread: .position(7))
        let root = try #require(Self.root(email))
        let bytes = MIMEWriter.render(email)
        let headers = MIMETestSupport.headers(bytes)
        #expect(headers.filter { $0.name == "In-Reply-To" }.map(\.value) == ["<\(root)>"])
        #expect(headers.filter { $0.name == "References" }.map(\.value) == ["<\(root)>"])
        let parsed = try await MIMETree.parse(bytes)
        #expect(parsed.allDefects.isEmpty)
        #expect(parsed.headers?["In-Reply-To"] == "<\(root)>")
        #expect(parsed.headers?["References"] == "<\(root)>")
        #expect(parsed.headers?["Message-ID"] == "<smsrelay.flowroute.mdr2-1@example.org>")
    }

    @Test("References lists every id, folded, and a hostile id starts no header")
    func referencesWriter() throws {
        var email = MIMETestSupport.email()
        email.inReplyTo = "b@example.org"
        email.references = ["a" + String(repeating: "x", count: 50) + "@example.org", "b@example.org\r\nBcc: victim@example.net", "<c@example.org>"]
        let bytes = MIMEWriter.render(email)
        let lines = MIMETestSupport.headerLines(bytes)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "\(lines)")
        let headers = MIMETestSupport.headers(bytes)
        #expect(!headers.contains { $0.name == "Bcc" })
        let references = try #require(headers.first { $0.name == "References" }?.value)
        let ids = references.split(whereSeparator: \.isWhitespace)
        #expect(ids.count == 3)
        #expect(ids.first == "<a\(String(repeating: "x", count: 50))@example.org>")
        #expect(ids.last == "<c@example.org>")
        #expect(headers.first { $0.name == "In-Reply-To" }?.value == "<b@example.org>")
    }
}
