import Foundation
import Testing
import TestSupport

@testable import MailKit
import MailRender
@testable import SMSRelayCore

/// Where the bodies are.
enum Corpus {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")
    static let fixturesFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("SMSRelayCoreTests/Fixtures")
    static let expectationsFile = "expected.json"

    struct Expectation: Decodable {
        var outcome: String
        var field: String?
        var to: String?
        var from: String?
        var body: String?
        var media: Int?
        var unreadable: Int?
        /// Seconds since 1970, or "arrival".
        var receivedAt: ReceivedAt?

        enum ReceivedAt: Decodable, Equatable {
            case seconds(Double)
            case arrival

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let seconds = try? container.decode(Double.self) {
                    self = .seconds(seconds)
                } else if try container.decode(String.self) == "arrival" {
                    self = .arrival
                } else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "seconds or \"arrival\"")
                }
            }
        }
    }

    static func expectations() throws -> [String: Expectation] {
        try JSONDecoder().decode([String: Expectation].self, from: Data(contentsOf: folder.appendingPathComponent(expectationsFile)))
    }

    static func bodyNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") && $0 != expectationsFile }
            .sorted()
    }
}

@Suite("Callback corpus: real bodies and bug reproducers")
struct CorpusTests {
    @Test("every body in the corpus has an expected outcome, and every expectation a body")
    func everyBodyExpected() throws {
        #expect(try Corpus.bodyNames() == Corpus.expectations().keys.sorted())
    }

    @Test("each body gets its expected outcome, and each message a well-formed email", arguments: try Corpus.bodyNames())
    func outcome(_ name: String) async throws {
        let expected = try #require(try Corpus.expectations()[name])
        let body = Array(try Data(contentsOf: Corpus.folder.appendingPathComponent(name)))
        let parsed: ParsedCallback
        do {
            parsed = try FlowrouteParser.read(body, receivedAt: CallbackFuzzTests.arrival)
        } catch {
            switch expected.outcome {
            case "refused":
                #expect(error.field == expected.field, "\(error)")
            case "not a callback":
                #expect(error.field == nil, "\(error)")
            default:
                Issue.record("refused: \(error)")
            }
            return
        }
        #expect(parsed.event.kind == expected.outcome)
        guard case .message(let message) = parsed.event else { return }
        if let to = expected.to { #expect(message.to == to) }
        if let from = expected.from { #expect(message.from == from) }
        if let text = expected.body { #expect(message.body == text) }
        if let media = expected.media { #expect(message.media.count == media) }
        #expect(message.media.filter { $0.problem != nil }.count == expected.unreadable ?? 0)
        switch expected.receivedAt {
        case .seconds(let seconds)?: #expect(message.receivedAt.timeIntervalSince1970 == seconds)
        case .arrival?: #expect(message.receivedAt == CallbackFuzzTests.arrival)
        case nil: break
        }

        let email = try EmailRenderer().render(message, route: Route(recipients: ["me@example.com"], sender: "sms@example.com"))
        let bytes = MIMEWriter.render(email)
        #expect(EmailInvariants.problems(in: bytes, text: Neutralise.body(message.body)).isEmpty)
        // No carrier value starts a line of its own or becomes a link it should not.
        let text = EmailInvariants.normalise(email.textBody)
        #expect(!text.contains("\nBcc:") && !text.contains("\n- forged line"), "\(text)")
        #expect(!email.htmlBody.contains("href=\"https://mms.example.invalid/a.jpg\r"), "a URL with a CR is never a link")
    }
}
