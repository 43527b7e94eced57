import FlowrouteAPI
import Foundation
import Logging
import Testing
import TestSupport

@Suite("Sending when Flowroute cannot be reached")
struct FlowrouteNetworkFailureTests {
    @Test("a refused connection is transient and has no status")
    func connectionRefused() async throws {
        // Down, and staying down: the port is held by a socket that refuses connections.
        let down = try LoopbackPort.refusing()
        defer { down.close() }
        let port = down.port
        let client = FlowrouteClient(
            baseURL: URL(string: "http://127.0.0.1:\(port)")!,
            credentials: FlowrouteCredentials(accessKey: "access", secretKey: "secret-never-shown-0123"),
            timeout: .seconds(2),
            logger: Logger(label: "flowroute-api-test")
        )
        let error = try #require(await sendError(client))
        #expect(error.kind == .transient)
        #expect(error.status == nil)
        #expect(!error.message.contains("secret-never-shown-0123"))
    }

    @Test("a server that never answers is transient once the timeout has passed")
    func noAnswer() async throws {
        try await FakeFlowrouteAPI.with { fake in
            try await fake.script([FakeFlowrouteAPI.noAnswer])
            let error = try #require(await sendError(makeClient(fake, timeout: .seconds(1))))
            #expect(error.kind == .transient)
            #expect(error.status == nil)
            #expect(error.message.contains("no answer"))
            #expect(try await fake.requests().count == 1, "the request reached the server")
        }
    }

    @Test("a cancelled send returns, as a transient error")
    func cancelled() async throws {
        try await FakeFlowrouteAPI.with { fake in
            try await fake.script([FakeFlowrouteAPI.noAnswer])
            let client = makeClient(fake, timeout: .seconds(600))
            let task = Task { await sendError(client) }
            try await eventually("the request to arrive") { try await fake.requests().count == 1 }
            task.cancel()
            let error = try #require(await task.value)
            #expect(error.kind == .transient)
            #expect(error.message.contains("cancelled"))
        }
    }
}
