import Foundation
import Outbox
import SMSRelayCore
import Testing
import TestSupport

/// A running `smsrelay serve` with replies on, sending through a fake Flowroute API, and the
/// commands a user and an MTA run beside it.
struct ReplyRelay {
    static let texter = "18553569768"
    static let ours = "12066418000"
    static let user = "ann@example.com"
    static let publicURL = "https://relay.example.com"

    let dir: URL
    let server: ServeProcess
    let flowroute: FakeFlowrouteAPI
    let environment: [String: String]

    var maildir: URL { dir.appendingPathComponent("data/mail") }
    var data: URL { dir.appendingPathComponent("data") }

    /// Runs `body` with a relay whose Flowroute keys are right unless `secretKey` says otherwise.
    static func with(secretKey: String? = nil, extra: [String: String] = [:], _ body: (ReplyRelay) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            try await FakeFlowrouteAPI.with { flowroute in
                var environment = [
                    "SMSRELAY_DATA_DIR": dir.appendingPathComponent("data").path,
                    "SMSRELAY_WEBHOOK_TOKEN": testToken,
                    "SMSRELAY_PUBLIC_URL": publicURL,
                    "SMSRELAY_MAIL_TO": "Ann Example <\(user)>",
                    "SMSRELAY_MAIL_FROM": "sms@relay.example.com",
                    "SMSRELAY_RETRY_BASE_SECONDS": "1",
                    "SMSRELAY_REPLY_DOMAIN": "sms.example.com",
                    "SMSRELAY_FLOWROUTE_API_URL": flowroute.baseURL.absoluteString,
                    "SMSRELAY_FLOWROUTE_ACCESS_KEY": flowroute.accessKey,
                    "SMSRELAY_FLOWROUTE_SECRET_KEY": secretKey ?? flowroute.secretKey,
                ]
                environment.merge(extra) { $1 }
                let server = try await ServeProcess(environment: environment)
                try await body(ReplyRelay(dir: dir, server: server, flowroute: flowroute, environment: environment))
                #expect(server.terminate() == 0)
            }
        }
    }

    /// Posts the seed's callback and returns the email it became, once it is in the maildir.
    func relayedSeed() async throws -> URL {
        let seed = String(decoding: try fixture("v1-inbound-seed.json"), as: UTF8.self)
        #expect(try await server.post(seed) == 200)
        let new = maildir.appendingPathComponent("new")
        try await eventually(timeout: .seconds(30), "the relayed email") {
            ((try? FileManager.default.contentsOfDirectory(atPath: new.path)) ?? []).count >= 1
        }
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: new.path).sorted().first)
        return new.appendingPathComponent(name)
    }

    struct WrittenReply: Decodable {
        var message_id: String
        var to: String
        var in_reply_to: String
        var file: URL?
    }

    /// A reply to `relayed` as a mail client writes it (Python's `email` package).
    func writeReply(to relayed: URL, from: String = Self.user, text: String, toAddress: String? = nil, html: Bool = false) async throws -> WrittenReply {
        let out = dir.appendingPathComponent("reply-\(UUID().uuidString).eml")
        var arguments = [relayed.path, out.path, "--from", from, "--text", text]
        if let toAddress { arguments += ["--to", toAddress] }
        if html { arguments.append("--html") }
        var written = try JSONDecoder().decode(WrittenReply.self, from: try await PythonScript.run("reply_writer.py", arguments))
        written.file = out
        return written
    }

    /// `smsrelay reply` with the reply on standard input, as an MTA's pipe runs it.
    func reply(_ written: WrittenReply, arguments: [String] = []) async throws -> CommandRun {
        try await CommandRun(["reply"] + arguments, environment: environment, input: try Data(contentsOf: try #require(written.file)))
    }

    func command(_ arguments: [String]) async throws -> CommandRun {
        try await CommandRun(arguments, environment: environment)
    }

    /// The emails in the maildir, parsed by Python, oldest first.
    func emails() async throws -> [MIMETree] {
        let new = maildir.appendingPathComponent("new")
        let names = try FileManager.default.contentsOfDirectory(atPath: new.path)
        let files = try names.map { new.appendingPathComponent($0) }
            .sorted { try $0.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate! < $1.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate! }
        var trees: [MIMETree] = []
        for file in files { trees.append(try await MIMETree.parse(Array(try Data(contentsOf: file)))) }
        return trees
    }

    func store() throws -> SQLiteOutboxStore {
        try SQLiteOutboxStore(path: data.appendingPathComponent("outbox.sqlite").path)
    }
}

@Suite("Replies by email sent back as SMS (serve, smsrelay reply, a fake Flowroute API)", .serialized)
struct ReplyRelayTests {
    @Test("the seed's text answered by email sends one SMS with only the new text; the same reply again sends nothing")
    func endToEnd() async throws {
        try await ReplyRelay.with { relay in
            let relayed = try await relay.relayedSeed()
            let email = try #require(try await relay.emails().first)
            let replyTo = try #require(email.headers?["Reply-To"])
            #expect(replyTo.hasPrefix("\"+1 855-356-9768 (SMS)\" <sms1-12066418000-18553569768-"), "\(replyTo)")
            #expect(replyTo.hasSuffix("@sms.example.com>"), "\(replyTo)")
            let secret = relay.data.appendingPathComponent("reply-secret")
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: secret.path)[.posixPermissions] as? Int)
            #expect(mode == 0o600)

            let text = "Sounds good, see you at 6 🙂\nI'll bring the cake."
            let written = try await relay.writeReply(to: relayed, text: text)
            let first = try await relay.reply(written)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("Stored the reply as outbox message"), "\(first.stdout)")
            // UCS-2 for the emoji, and within the 70 units of one SMS.
            #expect(first.stdout.contains("\(text.count) characters, 1 SMS segment."), "\(first.stdout)")
            try await eventually(timeout: .seconds(20), "the SMS") { try await relay.flowroute.requests().count == 1 }

            let request = try #require(try await relay.flowroute.requests().first)
            #expect(request.method == "POST")
            #expect(request.path == "/v2.1/messages")
            let basic = Data("\(relay.flowroute.accessKey):\(relay.flowroute.secretKey)".utf8).base64EncodedString()
            #expect(request.header("Authorization") == ["Basic \(basic)"])
            #expect(request.dataType == "message")
            #expect(request.attributes["to"] == ReplyRelay.texter)
            #expect(request.attributes["from"] == ReplyRelay.ours)
            #expect(request.attributes["body"] == text)
            #expect(request.attributes["dlr_callback"] == "\(ReplyRelay.publicURL)/flowroute/\(testToken)")

            let again = try await relay.reply(written)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("This reply was stored before"), "\(again.stdout)")
            // A second, different reply is sent after it: the first was not sent twice meanwhile.
            let second = try await relay.writeReply(to: relayed, text: "One more thing")
            #expect(try await relay.reply(second).status == 0)
            try await eventually(timeout: .seconds(20), "the second SMS") { try await relay.flowroute.requests().count >= 2 }
            let bodies = try await relay.flowroute.requests().map { $0.attributes["body"] }
            #expect(bodies == [text, "One more thing"])
            let store = try relay.store()
            let sent = try await store.list([.reply], status: .sent, limit: 10)
            #expect(sent.count == 2)
            #expect(sent.allSatisfy { $0.transportMessageID?.hasPrefix("mdr2-") == true })

            let listing = try await relay.command(["outbox", "list"])
            #expect(listing.status == 0, "\(listing.stderr)")
            let rows = listing.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            #expect(rows.filter { $0.count > 2 && $0[1] == "out" && $0[2] == "sent" }.count == 2, "\(listing.stdout)")
            #expect(rows.filter { $0.count > 2 && $0[1] == "in" && $0[2] == "sent" }.count == 1, "\(listing.stdout)")
            #expect(listing.stdout.contains("14 characters, 1 SMS segment (GSM-7)"), "\(listing.stdout)")

            // Flowroute's receipt that the first SMS failed: recorded against it, and Ann is told.
            let mdr = try #require(sent.last?.transportMessageID)
            let receipt = """
                {"data": {"type": "delivery_receipt", "id": "\(mdr)", "attributes": {"body": "x", "level": 2,
                "status": "message failed", "status_code": "1010", "status_code_description": "Handset unreachable",
                "timestamp": "2026-12-04T10:00:00Z"}}}
                """
            #expect(try await relay.server.post(receipt) == 200)
            #expect(try await relay.server.post(receipt) == 200)
            try await eventually(timeout: .seconds(20), "the undelivered notice") { try await relay.emails().count == 2 }
            let notice = try #require(try await relay.emails().last)
            #expect(notice.headers?["To"] == ReplyRelay.user)
            #expect(notice.subject?.hasPrefix("Not delivered") == true, "\(notice.subject ?? "")")
            #expect(notice.headers?["In-Reply-To"] == written.message_id)
            let noticeText = try #require(notice.allParts.first { $0.type == "text/plain" }?.text)
            #expect(noticeText.contains("Handset unreachable"), "\(noticeText)")
            #expect(noticeText.contains("Sounds good, see you at 6 🙂"), "\(noticeText)")
            let listed = try await relay.command(["outbox", "list", "--status", "sent"])
            #expect(listed.stdout.contains("receipt message failed (1010, Handset unreachable)"), "\(listed.stdout)")
            // A second copy of the receipt told Ann nothing more.
            #expect(try await store.list([.notice], status: nil, limit: 10).count == 1)
        }
    }

    @Test("a tampered address gets 67, a stranger 77, an empty reply 65 and a notice; none reaches Flowroute")
    func refusals() async throws {
        try await ReplyRelay.with { relay in
            let relayed = try await relay.relayedSeed()
            let genuine = try await relay.writeReply(to: relayed, text: "hello")
            let address = try #require(genuine.to.split(separator: "<").last?.dropLast()).description
            var characters = Array(address)
            let at = try #require(characters.firstIndex(of: "@"))
            characters[at - 1] = characters[at - 1] == "a" ? "b" : "a"
            let tampered = try await relay.writeReply(to: relayed, text: "hello", toAddress: String(characters))
            let forged = try await relay.reply(tampered)
            #expect(forged.status == 67, "\(forged.stderr)")
            #expect(forged.stderr.contains("does not carry a valid code"), "\(forged.stderr)")

            let stranger = try await relay.writeReply(to: relayed, from: "mallory@example.net", text: "send money")
            let refused = try await relay.reply(stranger)
            #expect(refused.status == 77, "\(refused.stderr)")
            #expect(refused.stderr.contains("mallory@example.net may not reply"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("send money"))
            let envelope = try await relay.reply(genuine, arguments: ["--sender", "mallory@example.net"])
            #expect(envelope.status == 77, "\(envelope.stderr)")
            let bounce = try await relay.reply(genuine, arguments: ["--sender", ""])
            #expect(bounce.status == 65, "\(bounce.stderr)")

            let empty = try await relay.writeReply(to: relayed, text: "")
            let nothing = try await relay.reply(empty)
            #expect(nothing.status == 65, "\(nothing.stderr)")
            #expect(nothing.stderr.contains("No new text"), "\(nothing.stderr)")
            try await eventually(timeout: .seconds(20), "the refusal notice") { try await relay.emails().count == 2 }
            let notice = try #require(try await relay.emails().last)
            #expect(notice.headers?["To"] == ReplyRelay.user)
            #expect(notice.headers?["Auto-Submitted"] == "auto-replied")
            #expect(notice.subject?.hasPrefix("Not sent") == true)
            // The notice went out after every refusal above: none of them reached Flowroute.
            #expect(try await relay.flowroute.requests().isEmpty)
            // The server's log shows no reply text.
            #expect(!relay.server.standardError.contains("send money"))
        }
    }

    @Test("Flowroute's 429 and then 202 end in one SMS")
    func rateLimitedThenSent() async throws {
        try await ReplyRelay.with { relay in
            try await relay.flowroute.script([429])
            let relayed = try await relay.relayedSeed()
            let reply = try await relay.writeReply(to: relayed, text: "Running late", html: true)
            #expect(try await relay.reply(reply).status == 0)
            let store = try relay.store()
            try await eventually(timeout: .seconds(30), "the SMS after the 429") {
                try await store.list([.reply], status: .sent, limit: 1).count == 1
            }
            let requests = try await relay.flowroute.requests()
            #expect(requests.count == 2)
            #expect(requests.map { $0.attributes["body"] } == ["Running late", "Running late"])
            let entry = try #require(try await store.list([.reply], status: .sent, limit: 1).first)
            #expect(entry.attempts == 2)
        }
    }

    @Test("refused credentials (401) make the reply dead and email a notice Python reads, without the secret key")
    func unauthorised() async throws {
        let wrongKey = "wrong-secret-key-for-this-test-0123"
        try await ReplyRelay.with(secretKey: wrongKey) { relay in
            let relayed = try await relay.relayedSeed()
            let reply = try await relay.writeReply(to: relayed, text: "Are we still on for tonight?")
            #expect(try await relay.reply(reply).status == 0)
            try await eventually(timeout: .seconds(30), "the notice") { try await relay.emails().count == 2 }
            let notice = try #require(try await relay.emails().last)
            #expect(notice.allDefects.isEmpty)
            #expect(notice.headers?["To"] == ReplyRelay.user)
            #expect(notice.headers?["In-Reply-To"] == reply.message_id)
            #expect(notice.headers?["Reply-To"]?.contains("@sms.example.com") == true)
            #expect(notice.subject == "Not sent: your text to +1 855-356-9768")
            let text = try #require(notice.allParts.first { $0.type == "text/plain" }?.text)
            #expect(text.contains("401"), "\(text)")
            #expect(text.contains("SMSRELAY_FLOWROUTE_SECRET_KEY"), "\(text)")
            #expect(text.contains("Are we still on for tonight?"), "\(text)")
            #expect(!text.contains(wrongKey))
            let html = try #require(notice.allParts.first { $0.type == "text/html" }?.text)
            #expect(!html.contains(wrongKey))
            #expect(try await relay.flowroute.requests().count == 1)
            let dead = try await relay.command(["outbox", "list", "--status", "dead"])
            #expect(dead.stdout.contains(" out "), "\(dead.stdout)")
            #expect(!relay.server.standardError.contains(wrongKey))
        }
    }
}
