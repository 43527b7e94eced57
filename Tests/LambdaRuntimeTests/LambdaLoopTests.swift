import Foundation
import Logging
import LambdaRuntime
import MailKit
import MailRender
import ServiceLifecycle
import SMSRelayApp
import SMSRelayIntake
import SMSRelayCore
import Synchronization
import TestSupport
import Testing
import Transports

@Suite("Lambda runtime loop against a Runtime API server")
struct LambdaLoopTests {
    static let token = "lambda-token-0123456789"

    typealias RelayHandler = CallbackLambdaHandler<SendNowSink>

    /// The function's handler as the app builds it: the intake, then a send within the deadline.
    static func relayHandler(
        token: String?, transport: any MailTransport, safetyMargin: Duration = LambdaContext.defaultSafetyMargin
    ) throws -> RelayHandler {
        let renderer = try EmailRenderer()
        let route = Route(recipients: ["me@example.com"], sender: "sms@example.com")
        return CallbackLambdaHandler(
            intake: CallbackIntake(token: token, maxBodyBytes: 65_536),
            sink: SendNowSink(
                transport: transport, compose: { message, media, thread in try renderer.render(message, route: route, media: media, thread: thread) },
                safetyMargin: safetyMargin))
    }

    func withHandler(token: String? = LambdaLoopTests.token, _ body: (RelayHandler, URL) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lambda-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let handler = try Self.relayHandler(token: token, transport: try MaildirTransport(root: root))
        try await body(handler, root)
    }

    /// A context for calling a handler directly, with a deadline well ahead.
    static func context(_ requestID: String) -> LambdaContext {
        LambdaContext(requestID: requestID, deadline: .now + .seconds(60), logger: Logger(label: "t"))
    }

    /// Runs the loop in a service group against the Runtime API at `endpoint` until `condition`
    /// holds, then shuts the group down gracefully and waits for the loop to stop.
    func serve(
        _ handler: any LambdaHandler, on endpoint: String, logger: Logger = Logger(label: "test"),
        until what: String, _ condition: @escaping @Sendable () -> Bool
    ) async throws {
        let loop = LambdaLoop(client: HTTPLambdaRuntimeClient(endpoint: endpoint), handler: handler, logger: logger)
        let group = ServiceGroup(services: [loop], logger: Logger(label: "test-group"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await eventually(what) { condition() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
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
                try await serve(handler, on: endpoint, until: "three reports") { server.reports.count == 3 }
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
                let bytes = try await handler.handle(event, context: Self.context("r\(index)"))
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
                let bytes = try await handler.handle(event, context: Self.context("r\(index)"))
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
            let bytes = try await handler.handle(Array(APIGatewayRequestTests.consoleEvent.utf8), context: Self.context("r"))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            #expect(object["statusCode"] as? Int == 500)
            #expect(object["body"] as? String == #"{"message":"Message failed"}"#)
        }
    }

    @Test("a handler error is reported to invocation/error with its type, and init errors to init/error")
    func errors() async throws {
        struct Failing: LambdaHandler {
            func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
                throw LambdaFunctionError(type: "Relay.Broken", message: "something broke")
            }
        }
        let server = RuntimeAPIServer()
        server.enqueue(id: "req-err", event: Array("{}".utf8))
        try await server.run { endpoint in
            try await serve(Failing(), on: endpoint, until: "the error report") { server.reports.count == 1 }
            try await HTTPLambdaRuntimeClient(endpoint: endpoint).initializationFailed(LambdaFunctionError(type: "Runtime.ConfigError", message: "SMSRELAY_MAIL_TO is missing"))
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

    @Test("the handler gets the invocation's facts; no deadline header means a deadline far away")
    func context() async throws {
        final class Recording: LambdaHandler {
            let contexts = Mutex<[LambdaContext]>([])
            func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8] {
                contexts.withLock { $0.append(context) }
                return Array("{}".utf8)
            }
        }
        let handler = Recording()
        let server = RuntimeAPIServer()
        server.enqueue(id: "req-timed", event: Array("{}".utf8), timeout: .seconds(30))
        server.enqueue(id: "req-untimed", event: Array("{}".utf8), timeout: nil)
        try await server.run { endpoint in
            try await serve(handler, on: endpoint, until: "two reports") { server.reports.count == 2 }
        }
        let contexts = handler.contexts.withLock { $0 }
        try #require(contexts.count == 2)
        #expect(contexts.map(\.requestID) == ["req-timed", "req-untimed"])
        #expect(contexts[0].traceID == RuntimeAPIServer.traceID)
        #expect(contexts[0].invokedFunctionARN == "arn:aws:lambda:us-east-1:123456789012:function:smsrelay")
        #expect(contexts[0].logger[metadataKey: "request_id"] == "req-timed")
        #expect(contexts[0].wallClockDeadline == server.deadlines["req-timed"])
        #expect(contexts[0].remainingTime < .seconds(31))
        #expect(contexts[1].wallClockDeadline == nil)
        #expect(contexts[1].remainingTime > .seconds(60))
    }

    @Test("a send that cannot finish by the deadline minus the margin is abandoned, answered 500 in time, and logged")
    func deadline() async throws {
        let transport = StalledTransport()
        defer { transport.gate.open() }
        // A 6 s margin: the answer must reach the Runtime API before the deadline even when the
        // whole suite runs on two cores and this process waits seconds for a core.
        let handler = try Self.relayHandler(token: nil, transport: transport, safetyMargin: .seconds(6))
        let logs = RecordingLogHandler.Store()
        let server = RuntimeAPIServer()
        // 16 s less the 6 s margin: room for the send to reach the transport while the whole suite
        // starts on two cores; the transport never answers, so the test still waits 10 s at most.
        server.enqueue(id: "req-slow", event: Array(APIGatewayRequestTests.consoleEvent.utf8), timeout: .seconds(16))
        server.enqueue(id: "req-next", event: Array("not an event".utf8))
        try await server.run { endpoint in
            try await serve(handler, on: endpoint, logger: RecordingLogHandler.logger(logs), until: "two reports") {
                server.reports.count == 2
            }
        }
        let reports = server.reports
        #expect(reports.map(\.requestID) == ["req-slow", "req-next"])
        #expect(transport.gate.arrivals == 1, "the send was attempted once")
        let answer = try decodeResponse(reports[0])
        #expect(reports[0].kind == .response)
        #expect(answer.status == 500)
        #expect(answer.body["message"] as? String == "Message failed")
        let deadline = try #require(server.deadlines["req-slow"])
        #expect(reports[0].receivedAt < deadline, "answered \(reports[0].receivedAt.timeIntervalSince(deadline)) s after the deadline")
        // The loop went on to the next event.
        #expect(try decodeResponse(reports[1]).status == 400)

        let abandoned = logs.all.filter { $0.message.contains("send abandoned at the deadline") }
        try #require(abandoned.count == 1)
        #expect(abandoned[0].level == .error)
        #expect(abandoned[0].metadata["request_id"] == "req-slow")
        #expect(abandoned[0].metadata["safety_margin_ms"] == "6000")
        let remaining = try #require(abandoned[0].metadata["remaining_ms"].flatMap { Int("\($0)") })
        #expect(remaining <= 6000, "abandoned with \(remaining) ms left, before the margin was reached")
    }

    @Test("cancelling the loop's task stops it while it waits for an event")
    func cancellation() async throws {
        let server = RuntimeAPIServer()
        server.enqueue(id: "req-1", event: Array("not an event".utf8))
        try await withHandler(token: nil) { handler, _ in
            try await server.run { endpoint in
                let loop = LambdaLoop(client: HTTPLambdaRuntimeClient(endpoint: endpoint), handler: handler, logger: Logger(label: "t"))
                let task = Task { try await loop.run() }
                try await eventually("the first report") { server.reports.count == 1 }
                task.cancel()
                try await task.value
            }
        }
    }

    @Test("when the Runtime API fails, run() throws so that Lambda restarts the function")
    func runtimeAPIFailure() async throws {
        let server = RuntimeAPIServer()
        server.enqueue(id: "req-1", event: Array("not an event".utf8))
        server.enqueueNextFailure()
        try await withHandler(token: nil) { handler, _ in
            let error = try await server.run { endpoint in
                let loop = LambdaLoop(client: HTTPLambdaRuntimeClient(endpoint: endpoint), handler: handler, logger: Logger(label: "t"))
                return await #expect(throws: LambdaFunctionError.self) { try await loop.run() }
            }
            #expect(error?.errorType == "Runtime.NextFailed")
        }
        #expect(server.reports.map(\.requestID) == ["req-1"])
    }
}
