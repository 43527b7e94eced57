import Foundation
import Logging
import Outbox
import ReplyAddress
@testable import SMSRelayApp
@testable import SMSRelayLambdaApp
import SMSRelayCore
import Testing
import TestSupport

@Suite("Reply intake: which reply emails become SMS")
struct ReplyIntakeTests {
    static let secret = "reply-secret-for-the-tests-0123456789"
    static let codec = ReplyAddressCodec(secret: secret, domain: "sms.example.com")
    static let address = codec.address(for: ReplyAddress(ourNumber: "12066418000", texterNumber: "18553569768"))!

    struct Setup {
        let intake: ReplyIntake
        let store: SQLiteOutboxStore
    }

    func withIntake(_ body: (Setup) async throws -> Void) async throws {
        try await withIntake([:], body)
    }

    func withIntake(_ environment: [String: String], _ body: (Setup) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let settings = try RelaySettings.load(environment: [
                "SMSRELAY_DATA_DIR": dir.path,
                "SMSRELAY_MAIL_TO": "Ann <ann@example.com>, bob@example.com",
                "SMSRELAY_REPLY_DOMAIN": "SMS.example.com",
                "SMSRELAY_FLOWROUTE_ACCESS_KEY": "access",
                "SMSRELAY_FLOWROUTE_SECRET_KEY": "secret",
            ].merging(environment) { $1 })
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("outbox.sqlite").path)
            try await body(Setup(intake: try ReplyIntake(settings: settings, secret: Self.secret, store: store), store: store))
        }
    }

    static func email(
        from: String = "Ann <ann@example.com>", to: String = address, messageID: String? = "<r1@mail.example.com>",
        headers: [String] = [], body: String = "See you at 6\n\nOn Wed, 25 Nov 2026, SMS wrote:\n> Are we on?\n"
    ) -> [UInt8] {
        var lines = ["From: \(from)", "To: \(to)", "Subject: Re: Text message"]
        if let messageID { lines.append("Message-ID: \(messageID)") }
        lines += headers
        lines += ["Content-Type: text/plain; charset=utf-8", "", body]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    let logger = Logger(label: "test")

    /// Takes the email; any refusal is thrown as a test failure.
    func accept(_ setup: Setup, _ bytes: [UInt8], recipient: String? = nil, sender: String? = nil) async throws -> ReplyAccepted {
        try await setup.intake.take(bytes, recipient: recipient, envelopeSender: sender, logger: logger)
    }

    func refusal(_ setup: Setup, _ bytes: [UInt8], recipient: String? = nil, sender: String? = nil) async -> ReplyRefusal? {
        do {
            _ = try await setup.intake.take(bytes, recipient: recipient, envelopeSender: sender, logger: logger)
            return nil
        } catch {
            return error
        }
    }

    @Test("a reply from a recipient is stored with only its new text, once per Message-ID")
    func stored() async throws {
        try await withIntake { setup in
            let first = try await accept(setup, Self.email(), sender: "ann@example.com")
            #expect(first.isNew)
            #expect(first.segments == 1)
            let reply = try #require(try await setup.store.entry(id: first.id)?.reply)
            #expect(reply.body == "See you at 6")
            #expect(reply.from == "12066418000")
            #expect(reply.to == "18553569768")
            #expect(reply.replier == "ann@example.com")
            #expect(reply.replyMessageID == "r1@mail.example.com")
            let again = try await accept(setup, Self.email(body: "other text"))
            #expect(again.id == first.id && !again.isNew)
            #expect(try await setup.store.entry(id: first.id)?.reply?.body == "See you at 6")
            // Any recipient of the route may answer; the address's case does not matter.
            let bob = try await accept(setup, Self.email(from: "BOB@Example.com", to: Self.address.uppercased(), messageID: "<r2@x>"))
            #expect(bob.isNew)
        }
    }

    @Test("without a Message-ID the same bytes are the same reply, other bytes another")
    func digestForMissingMessageID() async throws {
        try await withIntake { setup in
            let bytes = Self.email(messageID: nil)
            let first = try await accept(setup, bytes)
            let again = try await accept(setup, bytes)
            #expect(!again.isNew && again.id == first.id)
            let other = try await accept(setup, Self.email(messageID: nil, body: "Other"))
            #expect(other.isNew)
            let namedByDigest = try await setup.store.entry(id: first.id)?.reply?.replyMessageID.hasPrefix("sha256-") == true
            #expect(namedByDigest)
        }
    }

    @Test("the recipient comes from --recipient first, else Delivered-To or To at the reply domain")
    func recipientChoice() async throws {
        try await withIntake { setup in
            let elsewhere = Self.email(to: "someone@example.org", messageID: "<a@x>", body: "hi")
            #expect(await refusal(setup, elsewhere)?.kind == .noSuchAddress)
            let takenByRecipient = try await accept(setup, elsewhere, recipient: Self.address).isNew
            #expect(takenByRecipient)
            let delivered = Self.email(to: "list@example.org", messageID: "<b@x>", headers: ["Delivered-To: \(Self.address)"], body: "hi")
            let takenByDeliveredTo = try await accept(setup, delivered).isNew
            #expect(takenByDeliveredTo)
            // An explicit recipient is the envelope's: a To field cannot override it.
            #expect(await refusal(setup, Self.email(messageID: "<c@x>"), recipient: "other@sms.example.com")?.kind == .noSuchAddress)
        }
    }

    @Test("a forged or altered address, another domain or version is no such address", arguments: [
        address.replacingOccurrences(of: "sms1-12066418000-18553569768", with: "sms1-12066418000-18553569769"),
        address.replacingOccurrences(of: "@sms.example.com", with: "@sms.example.net"),
        address.replacingOccurrences(of: "sms1-", with: "sms2-"),
        "18553569768@sms.example.com",
        "sms1-12066418000-18553569768-aaaaaaaaaaaaaaaa@sms.example.com",
    ])
    func forged(address: String) async throws {
        try await withIntake { setup in
            let refusal = await refusal(setup, Self.email(to: address))
            #expect(refusal?.kind == .noSuchAddress, "\(address): \(refusal?.message ?? "accepted")")
            let nothingStored = try await setup.store.counts().pending == 0
            #expect(nothingStored)
        }
    }

    @Test("strangers, a stranger's envelope, bounces and auto-replies are refused and store nothing")
    func senders() async throws {
        try await withIntake { setup in
            #expect(await refusal(setup, Self.email(from: "mallory@example.net"))?.kind == .notAllowed)
            #expect(await refusal(setup, Self.email(from: "ann@example.com, mallory@example.net"))?.kind == .notAllowed)
            #expect(await refusal(setup, Self.email(), sender: "mallory@example.net")?.kind == .notAllowed)
            #expect(await refusal(setup, Self.email(), sender: "<>")?.kind == .automatic)
            #expect(await refusal(setup, Self.email(headers: ["Auto-Submitted: auto-replied"]))?.kind == .automatic)
            #expect(await refusal(setup, Self.email(from: "undisclosed-recipients:;"))?.kind == .notAllowed)
            #expect(await refusal(setup, Array("not an email".utf8))?.kind == .unreadable)
            let outboxEmpty = try await setup.store.counts() == OutboxCounts()
            #expect(outboxEmpty)
            // Auto-Submitted: no is a person's message.
            let personTaken = try await accept(setup, Self.email(headers: ["Auto-Submitted: no"])).isNew
            #expect(personTaken)
        }
    }

    @Test("reply_from lets others reply: for every number, or for one route in the config file")
    func replyFrom() async throws {
        try await withTemporaryDirectory { dir in
            let config = dir.appendingPathComponent("relay.yaml")
            try """
                routes:
                  "12066418000":
                    reply_from: [carol@example.com]
                """.write(to: config, atomically: true, encoding: .utf8)
            try await withIntake(["SMSRELAY_REPLY_FROM": "Dave <dave@example.com>", "SMSRELAY_CONFIG": config.path]) { setup in
                let carolTaken = try await accept(setup, Self.email(from: "carol@example.com")).isNew
                #expect(carolTaken)
                let daveTaken = try await accept(setup, Self.email(from: "dave@example.com", messageID: "<d@x>")).isNew
                #expect(daveTaken)
            }
        }
        // Carol's permission is for that number only.
        let other = Self.codec.address(for: ReplyAddress(ourNumber: "12065550100", texterNumber: "18553569768"))!
        try await withIntake { setup in
            #expect(await refusal(setup, Self.email(from: "carol@example.com", to: other))?.kind == .notAllowed)
        }
    }

    @Test("with an authserv-id, its DMARC failure or SPF and DKIM both failing refuse; other servers' fields are ignored")
    func authentication() async throws {
        try await withIntake(["SMSRELAY_REPLY_AUTHSERV_ID": "MX.example.com"]) { setup in
            let cases: [(String, ReplyRefusal.Kind?)] = [
                ("mx.example.com; dmarc=fail header.from=example.com", .notAllowed),
                ("mx.example.com; spf=fail smtp.mailfrom=example.com; dkim=fail header.d=example.com", .notAllowed),
                ("mx.example.com; spf=softfail smtp.mailfrom=example.com; dkim=fail header.d=example.com", .notAllowed),
                ("mx.example.com; spf=fail smtp.mailfrom=example.com; dkim=pass header.d=example.com", nil),
                ("mx.example.com; spf=pass; dkim=fail", nil),
                ("mx.example.com; dmarc=pass", nil),
                ("attacker.example; dmarc=fail", nil),
            ]
            for (index, (field, expected)) in cases.enumerated() {
                let bytes = Self.email(messageID: "<auth\(index)@x>", headers: ["Authentication-Results: \(field)"])
                #expect(await refusal(setup, bytes)?.kind == expected, "\(field)")
            }
        }
        // Without the setting the fields are not looked at.
        try await withIntake { setup in
            let bytes = Self.email(headers: ["Authentication-Results: mx.example.com; dmarc=fail"])
            #expect(await refusal(setup, bytes) == nil)
        }
    }

    @Test("a reply with no new text, or longer than the limit, is refused with one notice to the replier and never cut")
    func content() async throws {
        try await withIntake(["SMSRELAY_REPLY_MAX_CHARS": "20"]) { setup in
            let empty = await refusal(setup, Self.email(body: "\n-- \nAnn\n\nOn Wed, SMS wrote:\n> Are we on?\n"))
            #expect(empty?.kind == .content)
            let long = Self.email(messageID: "<long@x>", body: String(repeating: "é", count: 21))
            let tooLong = await refusal(setup, long)
            #expect(tooLong?.kind == .content)
            #expect(tooLong?.message.contains("21 characters") == true)
            _ = await refusal(setup, long)
            let notices = try await setup.store.list([.notice], status: nil, limit: 10).compactMap(\.notice)
            #expect(notices.count == 2)
            #expect(notices.allSatisfy { $0.kind == .refused && $0.replier == "ann@example.com" && $0.texterNumber == "18553569768" })
            #expect(notices.first?.firstLine == String(repeating: "é", count: 21))
            let noReplyStored = try await setup.store.list([.reply], status: nil, limit: 10).isEmpty
            #expect(noReplyStored)
            // Exactly at the limit is sent.
            let atLimitSent = try await accept(setup, Self.email(messageID: "<ok@x>", body: String(repeating: "é", count: 20))).characters == 20
            #expect(atLimitSent)
        }
    }
}
