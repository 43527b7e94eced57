import Foundation
import Logging
import MailKit
import Outbox
@testable import SMSRelayApp
@testable import SMSRelayLambdaApp
import SMSRelayCore
import Testing
import TestSupport

@Suite("Conversation threads, from the outbox to the written email")
struct ConversationThreadingTests {
    static let start = Date(timeIntervalSince1970: 1_795_588_200)

    static func text(_ id: String, from: String, at offset: Int) -> InboundMessage {
        InboundMessage(
            carrier: "flowroute", id: id, from: from, to: "12066418000", body: "text \(id)",
            receivedAt: start.addingTimeInterval(TimeInterval(offset)))
    }

    /// The header fields of a written email, continuation lines unfolded.
    static func headers(_ email: Email) -> [(name: String, value: String)] {
        let text = String(decoding: MIMEWriter.render(email), as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        var fields: [(name: String, value: String)] = []
        for line in head.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !fields.isEmpty {
                fields[fields.count - 1].value += line
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        return fields
    }

    /// The Message-IDs the field `name` names, without angle brackets.
    static func ids(_ fields: [(name: String, value: String)], _ name: String) -> [String] {
        let value = fields.first(where: { $0.name == name })?.value ?? ""
        return value.split(whereSeparator: \.isWhitespace).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "<>")) }
    }

    static func value(_ fields: [(name: String, value: String)], _ name: String) -> String? {
        fields.first(where: { $0.name == name })?.value
    }

    @Test("every email of a conversation carries its root in References and In-Reply-To, as Thunderbird threads; the 101st starts the next root")
    func thunderbirdThreads() async throws {
        try await withTemporaryDirectory { dir in
            let settings = try RelaySettings.load(environment: [
                "SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_MAIL_FROM": "sms@example.org", "SMSRELAY_MAIL_TO": "me@example.com",
                "SMSRELAY_MEDIA_FETCH": "false", "SMSRELAY_TIMEZONE": "Europe/Paris",
            ])
            let components = try RelayComponents(settings: settings, logger: Logger(label: "test"))
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("o.sqlite").path)
            // 101 texts from one person, 2 from another, interleaved; the carrier retries one.
            var stored: [String: Int64] = [:]
            for index in 1...101 {
                stored["a\(index)"] = try await store.enqueue(Self.text("a\(index)", from: "18553569768", at: index), now: Self.start).id
                if index % 40 == 0 {
                    _ = try await store.enqueue(Self.text("b\(index)", from: "+1 206-555-0100", at: index), now: Self.start)
                }
            }
            let retried = try await store.enqueue(Self.text("a7", from: "18553569768", at: 7), now: Self.start)
            #expect(retried == .duplicate(id: try #require(stored["a7"])))
            let transport = ScriptedTransport()
            let worker = DeliveryWorker(
                store: store, transport: transport, policy: RetryPolicy(maxAttempts: 1), batchSize: 50,
                logger: Logger(label: "test"), compose: components.compose)
            var rounds = 0
            while try await store.counts().pending > 0, rounds < 10 {
                await worker.drainOnce()
                rounds += 1
            }
            #expect(try await store.counts().sent == 103)

            var byID: [String: Email] = [:]
            for email in transport.sent { byID[email.messageID] = email }
            #expect(byID.count == 103, "one email per text")
            func email(_ id: String) throws -> Email { try #require(byID["smsrelay.flowroute.\(id)@example.org"]) }

            let first = Self.headers(try email("a1"))
            let root = try #require(Self.ids(first, "In-Reply-To").first)
            #expect(root.hasPrefix("smsrelay.thread.") && root.hasSuffix(".1@example.org"))
            var subjects: Set<String> = []
            for index in 1...100 {
                let fields = Self.headers(try email("a\(index)"))
                #expect(Self.ids(fields, "References").contains(root), "a\(index)")
                #expect(Self.ids(fields, "In-Reply-To") == [root], "a\(index)")
                subjects.insert(Self.value(fields, "Subject") ?? "")
            }
            #expect(subjects == ["Text message from +1 855-356-9768 to +1 206-641-8000"], "one stable subject")

            let next = Self.headers(try email("a101"))
            let nextRoot = try #require(Self.ids(next, "References").first)
            #expect(nextRoot != root && nextRoot.hasSuffix(".2@example.org"))
            #expect(Self.ids(next, "In-Reply-To") == [nextRoot])

            let other = try ["b40", "b80"].map { id in try #require(Self.ids(Self.headers(try email(id)), "References").first) }
            #expect(other[0] == other[1] && other[0] != root && other[0] != nextRoot)
            #expect(try email("b40").textBody.contains("UTC+01:00"), "times in SMSRELAY_TIMEZONE")

            // Python's email package reads the same threading headers.
            let parsed = try await MIMETree.parse(MIMEWriter.render(try email("a101")))
            #expect(parsed.allDefects.isEmpty)
            #expect(parsed.headers?["References"] == "<\(nextRoot)>")
            #expect(parsed.headers?["In-Reply-To"] == "<\(nextRoot)>")
        }
    }
}
