import Foundation
import Testing
import TestSupport

/// The packaged `bootstrap` on AWS's Runtime Interface Emulator with `SMSRELAY_IDEMPOTENCY_TABLE`:
/// SES and DynamoDB both moto's, signatures checked. Each emulator is one execution environment,
/// so two of them are two concurrent invocations of the function.
@Suite("Packaged bootstrap on the Lambda Runtime Interface Emulator, exactly once", .serialized, .motoServer)
struct LambdaEmulatorExactlyOnceTests {
    static let table = "smsrelay-rie-exactly-once"
    static let seedKey = "flowroute:mdr1-febb118b9b034338adfc662a8c02fd88"

    func environment(_ moto: MotoServer) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": moto.userCredentials.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": moto.userCredentials.secretAccessKey,
            "AWS_REGION": MotoServer.region,
            "AWS_LAMBDA_FUNCTION_TIMEOUT": "30",
            "SMSRELAY_SES_ENDPOINT": moto.endpoint,
            "SMSRELAY_MAIL_FROM": MotoServer.verifiedSender,
            "SMSRELAY_MAIL_TO": "me@example.com",
            "SMSRELAY_IDEMPOTENCY_TABLE": Self.table,
            "SMSRELAY_DYNAMODB_ENDPOINT": moto.endpoint,
        ]
    }

    func ready(_ moto: MotoServer) async throws {
        // moto refuses a second CreateTable: the table is there.
        try? await moto.createTable(Self.table)
    }

    func status(_ answer: [String: Any]) throws -> Int {
        try #require(answer["statusCode"] as? Int, "not a proxy response: \(answer)")
    }

    @Test("the seed's callback invoked twice sends one email, and the table item is sent")
    func retriedSeed() async throws {
        let moto = try #require(MotoServer.current)
        try await ready(moto)
        let emulator = try await LambdaEmulator(environment: environment(moto))
        defer { emulator.stop() }
        let before = try await moto.rawMessageCount()
        let event = Array(APIGatewayRequestTests.consoleEvent.utf8)
        #expect(try status(try await emulator.invoke(event)) == 200, "\(emulator.output)")
        #expect(try status(try await emulator.invoke(event)) == 200, "\(emulator.output)")
        #expect(try await moto.rawMessageCount() == before + 1)
        let item = try #require(try await moto.item(Self.seedKey, table: Self.table))
        #expect(item["state"] == "sent")
        #expect(item["transport_id"]?.isEmpty == false)
    }

    @Test("two concurrent invocations of one event send one email: one answers 200, the other 500 or 200 after it was sent")
    func concurrent() async throws {
        let moto = try #require(MotoServer.current)
        try await ready(moto)
        let first = try await LambdaEmulator(environment: environment(moto))
        defer { first.stop() }
        let second = try await LambdaEmulator(environment: environment(moto))
        defer { second.stop() }
        let body = #"{"data":{"type":"message","id":"mdr2-rie-concurrent","attributes":{"to":"12065550100","from":"12065550199","body":"one of two","direction":"inbound","is_mms":false,"timestamp":"2026-11-25T06:00:00Z"}}}"#
        let event = APIGatewayRequestTests.httpEvent(rawPath: "/flowroute/anything", body: body)
        let before = try await moto.rawMessageCount()
        async let a = first.invoke(event)
        async let b = second.invoke(event)
        let statuses = try await [status(a), status(b)].sorted()
        #expect(statuses == [200, 500] || statuses == [200, 200], "\(statuses)\n\(first.output)\n\(second.output)")
        #expect(try await moto.rawMessageCount() == before + 1)
        #expect(try await moto.item("flowroute:mdr2-rie-concurrent", table: Self.table)?["state"] == "sent")
    }

    @Test("a fresh sending item written by hand answers 500 and sends nothing; a stale one is taken over")
    func freshAndStale() async throws {
        let moto = try #require(MotoServer.current)
        try await ready(moto)
        let emulator = try await LambdaEmulator(environment: environment(moto))
        defer { emulator.stop() }
        let now = Int(Date().timeIntervalSince1970)
        func claim(_ id: String, started: Int) async throws {
            try await moto.putItem(
                ["id": ["S": "flowroute:\(id)"], "state": ["S": "sending"], "started": ["N": "\(started)"],
                 "expires": ["N": "\(now + 86_400)"], "claim": ["S": "by-hand"]],
                table: Self.table)
        }
        func event(_ id: String) -> [UInt8] {
            APIGatewayRequestTests.httpEvent(
                rawPath: "/flowroute/anything",
                body: #"{"data":{"type":"message","id":"\#(id)","attributes":{"to":"12065550100","from":"12065550199","body":"claimed","direction":"inbound","is_mms":false,"timestamp":"2026-11-25T06:00:00Z"}}}"#)
        }
        let before = try await moto.rawMessageCount()
        try await claim("mdr2-rie-fresh", started: now)
        #expect(try status(try await emulator.invoke(event("mdr2-rie-fresh"))) == 500, "\(emulator.output)")
        #expect(try await moto.rawMessageCount() == before)
        #expect(try await moto.item("flowroute:mdr2-rie-fresh", table: Self.table)?["state"] == "sending")

        // Two minutes ago, with a 30 s timeout: stale.
        try await claim("mdr2-rie-stale", started: now - 120)
        #expect(try status(try await emulator.invoke(event("mdr2-rie-stale"))) == 200, "\(emulator.output)")
        #expect(try await moto.rawMessageCount() == before + 1)
        let item = try #require(try await moto.item("flowroute:mdr2-rie-stale", table: Self.table))
        #expect(item["state"] == "sent" && item["claim"] != "by-hand")
    }
}
