import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Outbox
import SMSRelayCore
import Testing
import TestSupport

/// Answers of the callback endpoint that the README's table promises, through a live relay.
@Suite("HTTP answers: content types, 400 bodies, /healthz counts")
struct HTTPAnswerTests {
    static func v1(_ id: String) -> [UInt8] {
        Array(#"{"to": "12066418000", "body": "hi", "from": "18553569768", "id": "\#(id)"}"#.utf8)
    }

    func post(_ client: some TestClientProtocol, _ body: [UInt8], contentType: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let contentType { headers[.contentType] = contentType }
        return try await client.execute(uri: "/flowroute/\(testToken)", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test("application/json, *+json, text/plain and no content type are taken; a form body is 415 with a JSON reason")
    func contentTypes() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, assembly in
                let accepted: [String?] = ["application/json; charset=utf-8", "application/vnd.api+json", "text/plain", nil]
                for (index, type) in accepted.enumerated() {
                    let response = try await post(client, Self.v1("mdr1-type-\(index)"), contentType: type)
                    #expect(response.status == .ok, "\(type ?? "none")")
                    #expect(try json(response)["status"] as? String == "stored", "\(type ?? "none")")
                }
                let form = try await post(client, Self.v1("mdr1-form"), contentType: "application/x-www-form-urlencoded")
                #expect(form.status == .unsupportedMediaType)
                #expect(try json(form)["error"] is String)
                #expect(try await assembly.store.list(status: nil, limit: 10).count == accepted.count)
            }
        }
    }

    @Test("a callback without a sender is 400 naming the field, and nothing is stored")
    func fieldOf400() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, assembly in
                let v2 = #"{"data": {"type": "message", "id": "mdr2-nofrom", "attributes": {"to": "12066418000", "body": "hi", "direction": "inbound"}}}"#
                let response = try await post(client, Array(v2.utf8), contentType: "application/json")
                #expect(response.status == .badRequest)
                let body = try json(response)
                #expect(body["field"] as? String == "data.attributes.from", "\(body)")
                #expect(body["error"] is String)
                let noID = try await post(client, Array(#"{"to": "12066418000", "from": "18553569768", "body": "x"}"#.utf8), contentType: nil)
                #expect(noID.status == .badRequest)
                #expect(try json(noID)["field"] as? String == "id")
                #expect(try await assembly.store.counts() == OutboxCounts())
            }
        }
    }

    @Test("/healthz reports the outbox's real pending, sent, dead and receipt counts")
    func healthCounts() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, assembly in
                for id in ["mdr1-h1", "mdr1-h2"] {
                    #expect(try await post(client, Self.v1(id), contentType: "application/json").status == .ok)
                }
                let store = assembly.store
                try await eventually(timeout: .seconds(30), "both delivered") { try await store.counts().sent == 2 }
                let dead = try await store.enqueue(InboundMessage.sample("mdr1-dead"), now: Date().addingTimeInterval(3600)).id
                try await store.markFailed(id: dead, error: "550 no such user", retryAt: nil, now: Date())
                // Pending, and not due for an hour: the worker leaves it alone.
                _ = try await store.enqueue(InboundMessage.sample("mdr1-later"), now: Date().addingTimeInterval(3600))
                _ = try await store.record(
                    DeliveryReceipt(carrier: "flowroute", messageID: "mdr2-x", status: "delivered", timestamp: Date()), now: Date())
                let health = try await client.execute(uri: "/healthz", method: .get)
                #expect(health.status == .ok)
                let body = try json(health)
                #expect(body["status"] as? String == "ok")
                let outbox = try #require(body["outbox"] as? [String: Int])
                #expect(outbox == ["pending": 1, "sent": 2, "dead": 1, "receipts": 1])
            }
        }
    }

    /// POSTs `body` to a running server's callback URL; the answer's status and JSON body.
    static func post(_ server: ServeProcess, _ body: String, timeout: Duration = .seconds(60)) async throws -> (status: Int, json: [String: Any]) {
        var request = HTTPClientRequest(url: server.callbackURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout.components.seconds))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any]
        return (Int(response.status.code), json ?? [:])
    }

    @Test("while the outbox cannot be written a callback is answered 503 and nothing is kept; the carrier's retry is stored and sent once")
    func outboxNotWritable() async throws {
        try await withTemporaryDirectory { dir in
            let server = try await ServeProcess(environment: ["SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_WEBHOOK_TOKEN": testToken])
            let database = dir.appendingPathComponent("outbox.sqlite").path
            // Another process holds the database's write lock: every write fails after the store's busy timeout.
            try await SQLiteWriteLock.with(database) {
                let refused = try await Self.post(server, IntakeTests.seed)
                #expect(refused.status == 503)
                #expect((refused.json["error"] as? String)?.isEmpty == false, "\(refused.json)")
            }
            #expect(server.standardError.contains("cannot store callback"), "\(server.standardError)")
            let retried = try await Self.post(server, IntakeTests.seed)
            #expect(retried.status == 200)
            #expect(retried.json["status"] as? String == "stored", "the refused callback was not kept: \(retried.json)")
            try await eventually("the email") { try maildirMessages(dir.appendingPathComponent("mail")).count == 1 }
            #expect(server.terminate() == 0)
            #expect(try maildirMessages(dir.appendingPathComponent("mail")).count == 1)
        }
    }
}
