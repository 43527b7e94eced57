import Foundation
import TestSupport
import Hummingbird
import HummingbirdTesting
import Outbox
import SMSRelayServer
import Testing

@Suite("Callback intake over HTTP")
struct IntakeTests {
    static let seed = #"{"to": "12066418000", "body": "Hello there from Flowroute!", "from": "18553569768", "id": "mdr1-febb118b9b034338adfc662a8c02fd88" }"#

    func post(_ client: some TestClientProtocol, _ body: [UInt8], token: String = testToken, contentType: String? = "application/json") async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let contentType { headers[.contentType] = contentType }
        return try await client.execute(uri: "/flowroute/\(token)", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body))
        return try #require(object as? [String: Any])
    }

    @Test("the seed's callback becomes one email in the maildir, and a retry adds none")
    func seedCallback() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, assembly in
                let first = try await post(client, Array(Self.seed.utf8))
                #expect(first.status == .ok)
                #expect(try json(first)["status"] as? String == "stored")
                let again = try await post(client, Array(Self.seed.utf8))
                #expect(again.status == .ok)
                #expect(try json(again)["status"] as? String == "duplicate")
                let maildir = assembly.settings.maildir
                try await eventually("the email") { try maildirMessages(maildir).count == 1 }
                // One row in the outbox, sent: no second email can follow.
                #expect(try await assembly.store.list(status: nil, limit: 10).count == 1)
                let mails = try maildirMessages(maildir)
                #expect(mails.count == 1)
                let mail = try #require(mails.first)
                #expect(mail.contains("Subject: Text message from +1 855-356-9768 to +1 206-641-8000\r\n"))
                #expect(mail.contains("Hello there from Flowroute!"))
                #expect(mail.contains("Message-ID: <"))
                let counts = try await assembly.store.counts()
                #expect(counts == OutboxCounts(pending: 0, sent: 1, dead: 0, receipts: 0))
            }
        }
    }

    @Test("v2 SMS, MMS and emoji callbacks each give exactly one email, even when posted twice")
    func v2Callbacks() async throws {
        let emoji = #"{"data":{"type":"message","id":"mdr2-emoji-1","attributes":{"to":"12065550100","from":"12065550199","body":"Grüße 👋🏽 שלום","direction":"inbound","is_mms":false,"timestamp":"2026-11-25T06:00:00.00Z"}}}"#
        let bodies = [try fixture("v2-inbound-sms.json"), try fixture("v2-inbound-mms.json"), Array(emoji.utf8)]
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, assembly in
                var ids: [Int] = []
                for body in bodies {
                    let response = try await post(client, body)
                    #expect(response.status == .ok)
                    #expect(try json(response)["status"] as? String == "stored")
                    ids.append(try #require(try json(response)["id"] as? Int))
                }
                for (body, id) in zip(bodies, ids) {
                    let again = try await post(client, body)
                    #expect(again.status == .ok)
                    #expect(try json(again)["status"] as? String == "duplicate")
                    #expect(try json(again)["id"] as? Int == id, "the retry names the stored message")
                }
                #expect(try await assembly.store.list(status: nil, limit: 10).count == 3)
                let maildir = assembly.settings.maildir
                let store = assembly.store
                try await eventually("three emails") { try await store.counts().sent == 3 }
                let mails = try maildirMessages(maildir)
                #expect(mails.count == 3)
                #expect(mails.contains { $0.contains("IMG_6692.jpg") })
                #expect(mails.contains { $0.contains("Hello are you there?") })
            }
        }
    }

    @Test("a delivery receipt is recorded once and never emailed")
    func deliveryReceipt() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, assembly in
                for expected in ["receipt recorded", "duplicate receipt"] {
                    let response = try await post(client, try fixture("v2-dlr-level2.json"))
                    #expect(response.status == .ok)
                    #expect(try json(response)["status"] as? String == expected)
                }
                // No message row, so nothing the worker could email.
                #expect(try await assembly.store.counts() == OutboxCounts(pending: 0, sent: 0, dead: 0, receipts: 1))
                #expect(try await assembly.store.list(status: nil, limit: 10).isEmpty)
                #expect(try maildirMessages(assembly.settings.maildir).isEmpty)
            }
        }
    }

    @Test("bad input is refused with a JSON reason and nothing is stored", arguments: [
        ("{not json", 400),
        (#"{"to": "12066418000", "body": "hi", "from": "18553569768"}"#, 400),
        (#"{"to": "12066418000", "body": "hi", "from": {"n": 1}, "id": "x1"}"#, 400),
        ("[]", 400),
        (#"{"something": "else"}"#, 400),
    ])
    func badInput(body: String, status: Int) async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, assembly in
                let response = try await post(client, Array(body.utf8))
                #expect(response.status.code == status)
                let reason = try #require(try json(response)["error"] as? String)
                #expect(!reason.isEmpty)
                #expect(try await assembly.store.counts() == OutboxCounts())
            }
        }
    }

    @Test("a real v2.1 callback with a numeric 'to' becomes one email whose subject shows the number")
    func numericTo() async throws {
        var text = String(decoding: try fixture("v2-inbound-sms.json"), as: UTF8.self)
        let range = try #require(text.range(of: #""to": "[0-9]+""#, options: .regularExpression))
        text.replaceSubrange(range, with: #""to": 16085612999"#)
        let body = Array(text.utf8)
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, assembly in
                for expected in ["stored", "duplicate"] {
                    let response = try await post(client, body)
                    #expect(response.status == .ok)
                    #expect(try json(response)["status"] as? String == expected)
                }
                let maildir = assembly.settings.maildir
                try await eventually("the email") { try maildirMessages(maildir).count == 1 }
                let mail = try #require(try maildirMessages(maildir).first)
                #expect(mail.contains("Subject: Text message from "))
                #expect(mail.contains(" to +1 608-561-2999\r\n"), "\(mail.prefix(600))")
                #expect(mail.contains(" to 16085612999, as the carrier gave them"), "the raw number in the details")
            }
        }
    }

    @Test("an outbound message or an unknown event type is answered 200 ignored, and nothing is stored or sent", arguments: [
        "v2-outbound-message.json", "unknown-event",
    ])
    func ignored(name: String) async throws {
        let body: [UInt8]
        if name == "unknown-event" {
            body = Array(#"{"data": {"type": "number_port", "id": "np-1", "attributes": {"status": "done"}}}"#.utf8)
        } else {
            body = try fixture(name)
        }
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, assembly in
                let response = try await post(client, body)
                #expect(response.status == .ok)
                let answer = try json(response)
                #expect(answer["status"] as? String == "ignored")
                #expect((answer["reason"] as? String)?.isEmpty == false)
                #expect(try await assembly.store.counts() == OutboxCounts(), "nothing stored, so nothing to send")
            }
        }
    }

    @Test("a missing field is named in the error")
    func namesField() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, _ in
                let response = try await post(client, Array(#"{"to": "12066418000", "body": "hi", "id": "x"}"#.utf8))
                #expect(response.status == .badRequest)
                #expect((try json(response)["error"] as? String ?? "").contains("from"))
            }
        }
    }

    @Test("a wrong or missing token answers 404 and stores nothing")
    func wrongToken() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, assembly in
                let wrong = try await post(client, Array(Self.seed.utf8), token: "test-token-0123456789abcdeX")
                #expect(wrong.status == .notFound)
                let short = try await post(client, Array(Self.seed.utf8), token: "test")
                #expect(short.status == .notFound)
                let none = try await client.execute(uri: "/flowroute/", method: .post, body: ByteBuffer(string: Self.seed))
                #expect(none.status == .notFound)
                let getWrong = try await client.execute(uri: "/flowroute/nope", method: .get)
                #expect(getWrong.status == .notFound, "a GET with a wrong token reveals nothing either")
                #expect(try await assembly.store.counts() == OutboxCounts())
            }
        }
    }

    @Test("a body over the limit answers 413, a GET 405, a form body 415")
    func limits() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir, extra: ["max_body_bytes": "1024"]) { client, assembly in
                let padding = String(repeating: "x", count: 2000)
                let big = #"{"to": "12066418000", "body": "\#(padding)", "from": "18553569768", "id": "big"}"#
                let tooLarge = try await post(client, Array(big.utf8))
                #expect(tooLarge.status == .contentTooLarge)
                #expect(try json(tooLarge)["error"] as? String != nil)
                let get = try await client.execute(uri: "/flowroute/\(testToken)", method: .get)
                #expect(get.status == .methodNotAllowed)
                #expect(get.headers[.allow] == "POST")
                let form = try await post(client, Array("to=1&from=2".utf8), contentType: "application/x-www-form-urlencoded")
                #expect(form.status == .unsupportedMediaType)
                #expect(try await assembly.store.counts() == OutboxCounts())
            }
        }
    }

    @Test("healthz reports the version and the outbox counts")
    func health() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, _ in
                let response = try await client.execute(uri: "/healthz", method: .get)
                #expect(response.status == .ok)
                let body = try json(response)
                #expect(body["status"] as? String == "ok")
                #expect(body["version"] as? String != nil)
                let outbox = try #require(body["outbox"] as? [String: Any])
                #expect(outbox["pending"] as? Int == 0)
                let unknown = try await client.execute(uri: "/nothing-here", method: .get)
                #expect(unknown.status == .notFound)
                #expect(try json(unknown)["error"] as? String != nil)
            }
        }
    }
}
