import Foundation
import MailKit
import Testing

/// Replies as the common mail clients write them (`ReplyCorpus/`), read by Python's `email`
/// package, then given to ``ReplyText``.
@Suite("Reply corpus")
struct ReplyCorpusTests {
    @Test("the corpus holds at least 14 replies, each with its expected text")
    func complete() throws {
        let names = try ReplyCorpus.names()
        #expect(names.count >= 14)
        for name in names {
            #expect(throws: Never.self, "\(name).txt is missing") { try ReplyCorpus.expected(name) }
        }
        let texts = try FileManager.default.contentsOfDirectory(atPath: ReplyCorpus.folder.path).filter { $0.hasSuffix(".txt") }
        #expect(texts.map { String($0.dropLast(4)) }.sorted() == names)
    }

    @Test("every reply email keeps its CRLF line endings", arguments: try ReplyCorpus.names())
    func lineEndings(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: ReplyCorpus.email(name)))
        let bareLineFeeds = bytes.indices.filter { bytes[$0] == 0x0A && ($0 == 0 || bytes[$0 - 1] != 0x0D) }
        #expect(bytes.contains(0x0A))
        #expect(bareLineFeeds.isEmpty, "\(name).eml has \(bareLineFeeds.count) bare LF; check .gitattributes")
    }

    @Test("the new text of each reply, as Python reads it, is the expected text", arguments: try ReplyCorpus.names())
    func newText(_ name: String) async throws {
        let reading = try await ReplyCorpus.readWithPython(name)
        #expect(ReplyText.extract(reading.text) == (try ReplyCorpus.expected(name)), "\(name) (\(reading.type))")
    }

    @Test("no reply's result holds the relayed text message or the relayed email's details", arguments: try ReplyCorpus.names())
    func neverTheOriginal(_ name: String) async throws {
        let result = ReplyText.extract(try await ReplyCorpus.readWithPython(name).text)
        for relayed in ["Text message from", "18553569768", "Dinner is at 7", "mdr2-1a2b3c", "wrote:", "Sent from", "Get Outlook"] {
            #expect(!result.contains(relayed), "\(name): \(relayed)")
        }
    }
}

@Suite("Reply corpus read by our own parser")
struct ReplyCorpusOwnParserTests {
    @Test("the new text of each reply, as ReceivedEmail reads it, is the expected text", arguments: try ReplyCorpus.names())
    func ownParser(_ name: String) throws {
        let email = try ReceivedEmail(parsing: Array(try Data(contentsOf: ReplyCorpus.email(name))))
        let text = try #require(email.bodyText, "\(name): no text part found")
        #expect(ReplyText.extract(text) == (try ReplyCorpus.expected(name)), "\(name)")
        #expect(email.subject?.hasSuffix("Text message from 18553569768 to 12066418000") == true, "\(name)")
    }
}
