import Foundation
import TestSupport
import Testing

@Suite("smsrelay serve stops on SIGTERM")
struct ShutdownTests {
    /// nil: the default request timeout (10 s); "120": one longer than any shutdown should take.
    @Test("SIGTERM stops the server within 15 s while clients stall mid-request, and the worker stops too",
        arguments: [nil, "120"] as [String?])
    func stalledClients(requestTimeout: String?) async throws {
        try await withTemporaryDirectory { dir in
            var environment = ["SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_WEBHOOK_TOKEN": testToken]
            environment["SMSRELAY_REQUEST_TIMEOUT_SECONDS"] = requestTimeout
            let server = try await ServeProcess(environment: environment)
            defer { server.kill() }

            // One stalls in its header. One stalls in the body of a callback the route is reading:
            // it follows a /healthz request in the same write, so the answer to /healthz shows that
            // the server has read the callback's head too.
            let inHeader = try await RawConnection(port: server.port)
            try await inHeader.send("POST /flowroute/\(testToken) HTTP/1.1\r\nHost: relay\r\nContent-Le")
            let inCallback = try await RawConnection(port: server.port)
            try await inCallback.send(
                "GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n"
                    + "POST /flowroute/\(testToken) HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"to\": ")
            #expect(try await inCallback.readResponse().status == 200)

            let signalled = ContinuousClock.now
            server.process.terminate()
            while server.process.isRunning, ContinuousClock.now - signalled < .seconds(30) {
                try await Task.sleep(for: .milliseconds(20))
            }
            let took = ContinuousClock.now - signalled
            #expect(!server.process.isRunning, "still running \(took) after SIGTERM")
            #expect(took < .seconds(15), "SIGTERM took \(took)")
            guard !server.process.isRunning else { return }
            #expect(server.process.terminationStatus == 0, "\(server.standardError)")
            #expect(server.standardError.contains("delivery worker stopped"), "the worker got its stop signal: \(server.standardError)")
            withExtendedLifetime((inHeader, inCallback)) {}
        }
    }
}
