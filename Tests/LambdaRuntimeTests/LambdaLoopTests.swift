import Foundation
import Logging
import LambdaRuntime
import MailKit
import MailRender
import SMSRelayCore
import Testing
import Transports

@Suite("Lambda runtime loop against a Runtime API server")
struct LambdaLoopTests {
    static let token = "lambda-token-0123456789"

    func withHandler(token: String? = LambdaLoopTests.token, _ body: (RelayLambdaHandler, URL) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lambda-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let transport = try MaildirTransport(root: root)
        let renderer = try EmailRenderer()
        let route = Route(recipients: ["me@example.com"], sender: "sms@example.com")
        let handler = RelayLambdaHandler(
            intake: CallbackIntake(token: token, maxBodyBytes: 65_536), transport: transport,
            compose: { try renderer.render($0, route: route) })
        try await body(handler, root)
    }

    func decodeResponse(_ report: RuntimeAPIServer.Report) throws -> (status: Int, body: [String: Any]) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.body)) as? [String: Any])
        let status = try #require(object["statusCode"] as? Int)
        let bodyText = try #require(object["body"] as? String)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(bodyText.utf8)) as? [String: Any])
        return (status, body)
    }

    @Test("events are answered in turn; a bad one gets a 400 and the loop keeps serving")
    func loop() async throws {
        try await withHandler(token: nil) { handler, maildir in
            let server = RuntimeAPIServer()
            server.enqueue(id: "req-1", event: Array(APIGatewayRequestTests.consoleEvent.utf8))
            server.enqueue(id: "req-2", event: Array("this is not an event".utf8))
            server.enqueue(id: "req-3", event: APIGatewayRequestTests.httpEvent(
                rawPath: "/flowroute", body: #"{"data":{"type":"message","id":"mdr2-lambda-1","attributes":{"to":"12065550100","from":"12065550199","body":"hi 👋","direction":"inbound","is_mms":false,"timestamp":"2026-11-25T06:00:00Z"}}}"#))
            try await server.run { endpoint in
                let loop = LambdaLoop(
                    client: HTTPLambdaRuntimeClient(endpoint: endpoint), handler: handler, logger: Logger(label: "test"))
                try await loop.run(maxInvocations: 3)
            }
            let reports = server.reports
            #expect(reports.map(\.requestID) == ["req-1", "req-2", "req-3"])
            #expect(reports.allSatisfy { $0.kind == .response })
            let statuses = try reports.map { try decodeResponse($0).status }
            #expect(statuses == [200, 400, 200])
            #expect(try decodeResponse(reports[0]).body["message"] as? String == "Message succeeded")
            let delivered = try FileManager.default.contentsOfDirectory(atPath: maildir.appendingPathComponent("new").path)
            #expect(delivered.count == 2)
        }
    }

    @Test("the token is checked in the last path segment or the token query parameter")
    func token() async throws {
        try await withHandler { handler, _ in
            let body = APIGatewayRequestTests.seedBody
            let cases: [([UInt8], Int)] = [
                (APIGatewayRequestTests.restEvent(path: "/prod/flowroute/\(Self.token)", body: body), 200),
                (APIGatewayRequestTests.httpEvent(rawPath: "/", body: body, query: "token=\(Self.token)"), 200),
                (APIGatewayRequestTests.restEvent(path: "/prod/flowroute/wrong-token-000000", body: body), 404),
                (Array(APIGatewayRequestTests.consoleEvent.utf8), 404),
                (APIGatewayRequestTests.httpEvent(rawPath: "/flowroute/\(Self.token)", body: body, method: "GET"), 405),
                (APIGatewayRequestTests.restEvent(path: "/flowroute/\(Self.token)", body: #"{"to": 1}"#), 400),
            ]
            for (index, (event, expected)) in cases.enumerated() {
                let bytes = try await handler.handle(Invocation(requestID: "r\(index)", event: event), logger: Logger(label: "t"))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
                #expect(object["statusCode"] as? Int == expected, "case \(index)")
            }
        }
    }

    @Test("an outbound message is answered 200 ignored and nothing is sent; a numeric 'to' is delivered")
    func ignoredAndDrifted() async throws {
        try await withHandler(token: nil) { handler, maildir in
            let outbound = APIGatewayRequestTests.httpEvent(
                rawPath: "/flowroute",
                body: #"{"data":{"type":"message","id":"mdr2-out-1","attributes":{"to":"12065550100","from":"12065550199","body":"sent by us","direction":"outbound"}}}"#)
            let numeric = APIGatewayRequestTests.httpEvent(
                rawPath: "/flowroute",
                body: #"{"data":{"type":"message","id":"mdr2-num-1","attributes":{"to":16085612999,"from":12065550199,"body":"hi","is_mms":"false","timestamp":"Fri, 01 Mar 2024 18:22:33 GMT"}}}"#)
            var answers: [(Int, String)] = []
            for (index, event) in [outbound, numeric].enumerated() {
                let bytes = try await handler.handle(Invocation(requestID: "r\(index)", event: event), logger: Logger(label: "t"))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
                answers.append((object["statusCode"] as? Int ?? 0, object["body"] as? String ?? ""))
            }
            #expect(answers[0].0 == 200)
            #expect(answers[0].1.contains(#""status":"ignored""#))
            #expect(answers[1].0 == 200)
            let delivered = try FileManager.default.contentsOfDirectory(atPath: maildir.appendingPathComponent("new").path)
            #expect(delivered.count == 1)
            let mail = try String(contentsOf: maildir.appendingPathComponent("new").appendingPathComponent(delivered[0]), encoding: .utf8)
            #expect(mail.contains("to 16085612999"))
            #expect(mail.contains("Date: Fri, 1 Mar 2024 18:22:33 +0000"))
        }
    }

    @Test("a delivery failure answers 500 so that the carrier retries")
    func deliveryFailure() async throws {
        try await withHandler(token: nil) { handler, maildir in
            let tmp = maildir.appendingPathComponent("tmp")
            try FileManager.default.removeItem(at: tmp)
            try Data().write(to: tmp)
            let bytes = try await handler.handle(
                Invocation(requestID: "r", event: Array(APIGatewayRequestTests.consoleEvent.utf8)), logger: Logger(label: "t"))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            #expect(object["statusCode"] as? Int == 500)
            #expect(object["body"] as? String == #"{"message":"Message failed"}"#)
        }
    }

    @Test("a handler error is reported to invocation/error with its type, and init errors to init/error")
    func errors() async throws {
        struct Failing: LambdaHandler {
            func handle(_ invocation: Invocation, logger: Logger) async throws -> [UInt8] {
                throw LambdaFunctionError(type: "Relay.Broken", message: "something broke")
            }
        }
        let server = RuntimeAPIServer()
        server.enqueue(id: "req-err", event: Array("{}".utf8))
        try await server.run { endpoint in
            let client = HTTPLambdaRuntimeClient(endpoint: endpoint)
            try await LambdaLoop(client: client, handler: Failing(), logger: Logger(label: "t")).run(maxInvocations: 1)
            try await client.initializationFailed(LambdaFunctionError(type: "Runtime.ConfigError", message: "SMSRELAY_MAIL_TO is missing"))
        }
        let reports = server.reports
        #expect(reports.count == 2)
        #expect(reports.first?.kind == .error)
        #expect(reports.first?.requestID == "req-err")
        #expect(reports.first?.errorType == "Relay.Broken")
        let error = try #require(try JSONSerialization.jsonObject(with: Data(reports[0].body)) as? [String: Any])
        #expect(error["errorType"] as? String == "Relay.Broken")
        #expect(error["errorMessage"] as? String == "something broke")
        #expect(reports.last?.kind == .initError)
        #expect(reports.last?.errorType == "Runtime.ConfigError")
    }
}
