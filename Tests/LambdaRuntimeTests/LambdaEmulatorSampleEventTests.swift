import Foundation
import Testing
import TestSupport

/// The packaged `bootstrap` on AWS's Runtime Interface Emulator with a webhook token, invoked with
/// AWS's own sample events (a Function URL request and an HTTP API 2.0 request, as AWS's
/// documentation publishes them, with the callback's path and body put in; see the fixtures'
/// README) rather than events this suite builds.
@Suite("Packaged bootstrap on the emulator: a webhook token and AWS's sample events", .serialized, .motoServer)
struct LambdaEmulatorSampleEventTests {
    /// The token the sample events carry in their path.
    static let token = "rie-sample-token-0123456789abcdef"

    /// The bytes of a file in `Tests/SMSRelayCoreTests/Fixtures`.
    static func fixtureData(_ name: String) throws -> Data {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SMSRelayCoreTests/Fixtures/\(name)")
        return try Data(contentsOf: url)
    }

    static func fixture(_ name: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: fixtureData(name)) as? [String: Any])
    }

    static func bytes(_ event: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: event))
    }

    /// `event` with its path (raw path and request context path) replaced.
    static func withPath(_ event: [String: Any], _ path: String) -> [String: Any] {
        var event = event
        event["rawPath"] = path
        var context = event["requestContext"] as? [String: Any] ?? [:]
        var http = context["http"] as? [String: Any] ?? [:]
        http["path"] = path
        context["http"] = http
        event["requestContext"] = context
        return event
    }

    /// `event` with its query string replaced by `token=<token>`.
    static func withTokenQuery(_ event: [String: Any], _ token: String) -> [String: Any] {
        var event = event
        event["rawQueryString"] = "token=\(token)"
        event["queryStringParameters"] = ["token": token]
        return event
    }

    func proxyResponse(_ answer: [String: Any]) throws -> (status: Int, body: [String: Any]) {
        try LambdaEmulatorTests().proxyResponse(answer)
    }

    @Test("with SMSRELAY_WEBHOOK_TOKEN set: AWS's samples with the right token are delivered, the token also works as a query parameter, a wrong or missing one is 404; a receipt is acknowledged, a large body 413; the JSON log lines carry the request id and never the token")
    func tokenAndSamples() async throws {
        let moto = try #require(MotoServer.current)
        var environment = LambdaEmulatorTests().environment(moto)
        environment["SMSRELAY_WEBHOOK_TOKEN"] = Self.token
        environment["SMSRELAY_MAX_BODY_BYTES"] = "1024"
        environment["SMSRELAY_LOG_LEVEL"] = "debug"
        let emulator = try await LambdaEmulator(environment: environment)
        defer { emulator.stop() }
        let functionURL = try Self.fixture("lambda-function-url-event.json")
        let httpAPI = try Self.fixture("apigateway-http-api-event.json")
        let before = try await moto.rawMessageCount()

        // AWS's Function URL sample, as published but for the path and body: no content type.
        let first = try proxyResponse(try await emulator.invoke(try Self.bytes(functionURL)))
        #expect(first.status == 200, "\(first.body) \(emulator.output)")
        #expect(first.body["message"] as? String == "Message succeeded")
        #expect(try await moto.rawMessageCount() == before + 1)
        #expect(try await moto.storedMessage("latest").text?.contains("Hello from a Function URL") == true)

        // AWS's HTTP API (payload 2.0) sample, with a JSON:API content type and a v2 message.
        let second = try proxyResponse(try await emulator.invoke(try Self.bytes(httpAPI)))
        #expect(second.status == 200, "\(second.body) \(emulator.output)")
        #expect(try await moto.rawMessageCount() == before + 2)
        #expect(try await moto.storedMessage("latest").text?.contains("Hello from an HTTP API") == true)

        // The token as a query parameter, on a path without one.
        var byQuery = Self.withTokenQuery(Self.withPath(functionURL, "/flowroute"), Self.token)
        byQuery["body"] = #"{"to": "12066418000", "body": "token in the query", "from": "18553569768", "id": "mdr1-query-token"}"#
        let third = try proxyResponse(try await emulator.invoke(try Self.bytes(byQuery)))
        #expect(third.status == 200, "\(third.body) \(emulator.output)")
        #expect(try await moto.rawMessageCount() == before + 3)

        // Refused, and nothing sent: a wrong token in the path, a wrong one in the query, none at all.
        let refusals: [[String: Any]] = [
            Self.withPath(functionURL, "/flowroute/rie-wrong-token-0123456789abcdef"),
            Self.withTokenQuery(Self.withPath(httpAPI, "/flowroute"), "rie-wrong-token-0123456789abcdef"),
            try #require(try JSONSerialization.jsonObject(with: Data(APIGatewayRequestTests.consoleEvent.utf8)) as? [String: Any]),
        ]
        for event in refusals {
            let refused = try proxyResponse(try await emulator.invoke(try Self.bytes(event)))
            #expect(refused.status == 404, "\(refused.body)")
            #expect(refused.body["error"] is String, "\(refused.body)")
        }
        #expect(try await moto.rawMessageCount() == before + 3)

        // A delivery receipt in the HTTP API sample: acknowledged, never emailed.
        var receipt = httpAPI
        receipt["body"] = String(decoding: try Self.fixtureData("v2-dlr-level2.json"), as: UTF8.self)
        let acknowledged = try proxyResponse(try await emulator.invoke(try Self.bytes(receipt)))
        #expect(acknowledged.status == 200, "\(acknowledged.body)")
        #expect(acknowledged.body["message"] as? String == "Receipt received")

        // A body over SMSRELAY_MAX_BODY_BYTES.
        var large = functionURL
        large["body"] = #"{"to": "12066418000", "body": "\#(String(repeating: "x", count: 2000))", "from": "18553569768", "id": "mdr1-large"}"#
        let tooLarge = try proxyResponse(try await emulator.invoke(try Self.bytes(large)))
        #expect(tooLarge.status == 413, "\(tooLarge.body)")
        #expect(tooLarge.body["error"] is String)
        #expect(try await moto.rawMessageCount() == before + 3)

        // The function's log: JSON lines on standard output, among the emulator's own lines.
        let starts = Set(emulator.output.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "START RequestId: ") else { return nil }
            return line[range.upperBound...].split(separator: " ").first.map(String.init)
        })
        try await eventually("the log lines of the deliveries, the receipt and the refusal") {
            let messages = Self.jsonLines(emulator.output, strict: false).compactMap { $0["message"] as? String }
            return messages.filter { $0 == "message delivered" }.count == 3 && messages.contains("delivery receipt")
                && messages.contains("callback refused")
        }
        let output = emulator.output
        let objects = Self.jsonLines(output)
        let invocationLines = objects.filter { ["message delivered", "delivery receipt", "callback refused"].contains($0["message"] as? String) }
        for object in invocationLines {
            let id = try #require(object["request_id"] as? String, "no request id: \(object)")
            #expect(starts.contains(id), "\(id) is not one of the emulator's invocations \(starts)")
        }
        let delivered = invocationLines.filter { $0["message"] as? String == "message delivered" }.compactMap { $0["request_id"] as? String }
        #expect(Set(delivered).count == 3, "one request id per invocation: \(delivered)")
        #expect(!output.contains(Self.token), "the token is never logged")
    }

    /// The lines of `output` that start a JSON object, parsed; a line that starts one and does
    /// not parse fails the test.
    static func jsonLines(_ output: String, strict: Bool = true) -> [[String: Any]] {
        output.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if strict { #expect(object != nil, "not a JSON object: \(line)") }
            return object
        }
    }

    @Test("the emulator tests refuse a bootstrap older than a source file, naming both")
    func staleBootstrapRefused() async throws {
        try await withTemporaryDirectory { root in
            let sources = root.appendingPathComponent("Sources/smsrelay-lambda")
            try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
            let package = root.appendingPathComponent("Package.swift")
            let main = sources.appendingPathComponent("main.swift")
            let bootstrap = root.appendingPathComponent("bootstrap")
            for file in [package, main, bootstrap] {
                try Data("x".utf8).write(to: file)
            }
            let earlier = Date(timeIntervalSince1970: 1_800_000_000)
            let later = earlier.addingTimeInterval(60)
            for file in [package, main] {
                try FileManager.default.setAttributes([.modificationDate: earlier], ofItemAtPath: file.path)
            }
            try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: bootstrap.path)
            try LambdaEmulator.checkFresh(bootstrap.path, root: root)

            // A source edited after the package was built.
            try FileManager.default.setAttributes([.modificationDate: later.addingTimeInterval(1)], ofItemAtPath: main.path)
            let error = #expect(throws: (any Error).self) { try LambdaEmulator.checkFresh(bootstrap.path, root: root) }
            let message = "\(error.map { "\($0)" } ?? "")"
            #expect(message.contains("is older than \(main.path)"), "\(message)")
            #expect(message.contains("./scripts/package-lambda.sh"), "\(message)")
        }
    }
}
