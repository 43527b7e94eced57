import Foundation
import LambdaRuntime
import Logging
@testable import SMSRelayApp
@testable import SMSRelayLambdaApp
import Testing
import TestSupport

/// The function's handler as `LambdaApp` builds it from the environment, with
/// `SMSRELAY_IDEMPOTENCY_TABLE` set: SES and DynamoDB both moto's, signatures checked.
@Suite("Lambda exactly once: the idempotency table in DynamoDB (moto)", .serialized, .motoServer)
struct LambdaExactlyOnceTests {
    static let table = "smsrelay-exactly-once"

    func environment(_ moto: MotoServer, sender: String = MotoServer.verifiedSender, dynamoDB: String? = nil) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": moto.userCredentials.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": moto.userCredentials.secretAccessKey,
            "AWS_REGION": MotoServer.region,
            "SMSRELAY_SES_ENDPOINT": moto.endpoint,
            "SMSRELAY_MAIL_FROM": sender,
            "SMSRELAY_MAIL_TO": "me@example.com",
            "SMSRELAY_IDEMPOTENCY_TABLE": Self.table,
            "SMSRELAY_DYNAMODB_ENDPOINT": dynamoDB ?? moto.endpoint,
        ]
    }

    func ready(_ moto: MotoServer) async throws {
        // moto refuses a second CreateTable: the table is there.
        try? await moto.createTable(Self.table)
    }

    /// Calls the handler as the runtime loop does, with `timeout` left before the deadline.
    func invoke(_ handler: LambdaEventRouter, _ event: [UInt8], timeout: Duration = .seconds(30)) async throws -> (status: Int, body: [String: Any]) {
        let context = LambdaContext(requestID: UUID().uuidString, deadline: .now + timeout, logger: Logger(label: "test"))
        let answer = try await handler.handle(event, context: context)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any])
        let body = try #require(object["body"] as? String)
        return (try #require(object["statusCode"] as? Int), try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]))
    }

    static func event(_ id: String, text: String = "once only") -> [UInt8] {
        APIGatewayRequestTests.httpEvent(
            rawPath: "/flowroute/anything",
            body: #"{"data":{"type":"message","id":"\#(id)","attributes":{"to":"12065550100","from":"12065550199","body":"\#(text)","direction":"inbound","is_mms":false,"timestamp":"2026-11-25T06:00:00Z"}}}"#)
    }

    @Test("the seed's callback twice sends one email; the item is sent, with SES's id, expiring in 7 days")
    func retriedCallback() async throws {
        let moto = try #require(MotoServer.current)
        try await ready(moto)
        let handler = try LambdaApp.makeHandler(environment: environment(moto), logger: Logger(label: "test"))
        let before = try await moto.rawMessageCount()
        let first = try await invoke(handler, Array(APIGatewayRequestTests.consoleEvent.utf8))
        #expect(first.status == 200 && first.body["message"] as? String == "Message succeeded")
        let again = try await invoke(handler, Array(APIGatewayRequestTests.consoleEvent.utf8))
        #expect(again.status == 200 && again.body["message"] as? String == "Message succeeded")
        #expect(try await moto.rawMessageCount() == before + 1)

        let item = try #require(try await moto.item("flowroute:mdr1-febb118b9b034338adfc662a8c02fd88", table: Self.table))
        #expect(item["state"] == "sent")
        #expect(item["transport_id"]?.isEmpty == false)
        let now = Int(Date().timeIntervalSince1970)
        let started = try #require(item["started"].flatMap { Int($0) })
        let expires = try #require(item["expires"].flatMap { Int($0) })
        #expect(abs(started - now) < 60)
        #expect(abs(expires - (now + 7 * 86_400)) < 60)
        #expect(item["claim"]?.isEmpty == false)
    }

    @Test("two concurrent invocations of one callback send one email: one answers 200, the other 500 or 200 after it was sent")
    func concurrentInvocations() async throws {
        let moto = try #require(MotoServer.current)
        try await ready(moto)
        let first = try LambdaApp.makeHandler(environment: environment(moto), logger: Logger(label: "first"))
        let second = try LambdaApp.makeHandler(environment: environment(moto), logger: Logger(label: "second"))
        for round in 1...3 {
            let before = try await moto.rawMessageCount()
            let event = Self.event("mdr2-concurrent-\(round)")
            async let a = invoke(first, event)
            async let b = invoke(second, event)
            let statuses = try await [a.status, b.status].sorted()
            #expect(statuses == [200, 500] || statuses == [200, 200], "round \(round): \(statuses)")
            #expect(try await moto.rawMessageCount() == before + 1, "round \(round)")
            #expect(try await moto.item("flowroute:mdr2-concurrent-\(round)", table: Self.table)?["state"] == "sent")
        }
    }

    @Test("a fresh sending claim answers 500 and sends nothing; one older than the function's timeout is taken over")
    func freshAndStaleClaims() async throws {
        let moto = try #require(MotoServer.current)
        try await ready(moto)
        let handler = try LambdaApp.makeHandler(environment: environment(moto), logger: Logger(label: "test"))
        let now = Int(Date().timeIntervalSince1970)
        func claim(_ id: String, started: Int) async throws {
            try await moto.putItem(
                ["id": ["S": "flowroute:\(id)"], "state": ["S": "sending"], "started": ["N": "\(started)"],
                 "expires": ["N": "\(now + 86_400)"], "claim": ["S": "another-invocation"]],
                table: Self.table)
        }
        let before = try await moto.rawMessageCount()
        try await claim("mdr2-fresh", started: now - 5)
        let fresh = try await invoke(handler, Self.event("mdr2-fresh"), timeout: .seconds(30))
        #expect(fresh.status == 500 && fresh.body["message"] as? String == "Message failed")
        #expect(try await moto.rawMessageCount() == before)
        #expect(try await moto.item("flowroute:mdr2-fresh", table: Self.table)?["claim"] == "another-invocation")

        // 40 s ago, with a 30 s timeout: that invocation is over.
        try await claim("mdr2-stale", started: now - 40)
        let stale = try await invoke(handler, Self.event("mdr2-stale"), timeout: .seconds(30))
        #expect(stale.status == 200)
        #expect(try await moto.rawMessageCount() == before + 1)
        let item = try #require(try await moto.item("flowroute:mdr2-stale", table: Self.table))
        #expect(item["state"] == "sent" && item["claim"] != "another-invocation")
    }

    @Test("SES refusing the message gives the claim back: the carrier's retry sends it")
    func refusedSendReleases() async throws {
        let moto = try #require(MotoServer.current)
        try await ready(moto)
        let before = try await moto.rawMessageCount()
        let refusing = try LambdaApp.makeHandler(environment: environment(moto, sender: "mallory@example.net"), logger: Logger(label: "test"))
        let refused = try await invoke(refusing, Self.event("mdr2-refused"))
        #expect(refused.status == 500)
        #expect(try await moto.item("flowroute:mdr2-refused", table: Self.table) == nil)
        let handler = try LambdaApp.makeHandler(environment: environment(moto), logger: Logger(label: "test"))
        #expect(try await invoke(handler, Self.event("mdr2-refused")).status == 200)
        #expect(try await moto.rawMessageCount() == before + 1)
        #expect(try await moto.item("flowroute:mdr2-refused", table: Self.table)?["state"] == "sent")
    }

    @Test("DynamoDB unreachable, or no such table: 500 and no email; receipts and ignored callbacks never ask it")
    func tableUnavailable() async throws {
        let moto = try #require(MotoServer.current)
        try await ready(moto)
        let before = try await moto.rawMessageCount()
        let closed = try LambdaApp.makeHandler(environment: environment(moto, dynamoDB: "http://127.0.0.1:9"), logger: Logger(label: "test"))
        let unreachable = try await invoke(closed, Self.event("mdr2-unreachable"))
        #expect(unreachable.status == 500 && unreachable.body["message"] as? String == "Message failed")

        var missing = environment(moto)
        missing["SMSRELAY_IDEMPOTENCY_TABLE"] = "no-such-table"
        let noTable = try await invoke(try LambdaApp.makeHandler(environment: missing, logger: Logger(label: "test")), Self.event("mdr2-no-table"))
        #expect(noTable.status == 500)
        #expect(try await moto.rawMessageCount() == before)

        let receipt = APIGatewayRequestTests.httpEvent(
            rawPath: "/flowroute/anything",
            body: #"{"data": {"type": "delivery_receipt", "id": "dr-1", "attributes": {"status": "delivered", "message_id": "mdr2-9"}}}"#)
        #expect(try await invoke(closed, receipt).status == 200)
        let outbound = APIGatewayRequestTests.httpEvent(
            rawPath: "/flowroute/anything",
            body: #"{"data":{"type":"message","id":"mdr2-out-1","attributes":{"to":"12065550100","from":"12065550199","body":"sent by us","direction":"outbound"}}}"#)
        let ignored = try await invoke(closed, outbound)
        #expect(ignored.status == 200 && ignored.body["status"] as? String == "ignored")
    }

    @Test("a claim is stale after the time the invocation had when the callback arrived, rounded up to a second")
    func staleAfter() {
        let now = ContinuousClock.now
        #expect(IdempotencyGuard.staleAfter(deadline: now + .seconds(30), now: now) == 30)
        #expect(IdempotencyGuard.staleAfter(deadline: now + .milliseconds(29_200), now: now) == 30)
        #expect(IdempotencyGuard.staleAfter(deadline: now, now: now) == 1)
        #expect(IdempotencyGuard.staleAfter(deadline: nil, now: now) == 900)
    }
}
