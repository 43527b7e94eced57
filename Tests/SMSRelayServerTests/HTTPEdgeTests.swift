import Foundation
import TestSupport
import Testing

/// The HTTP edge of `smsrelay serve`, run as a process and spoken to over raw sockets: clients
/// that stall, idle, or come in numbers.
@Suite("HTTP edge: request timeout, idle timeout, connection limit")
struct HTTPEdgeTests {
    static func environment(_ dir: URL, _ settings: [String: String] = [:]) -> [String: String] {
        ["SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_WEBHOOK_TOKEN": testToken].merging(settings) { $1 }
    }

    static let partialRequests = [
        "POST /flowroute/\(testToken) HTTP/1.1\r\nHost: relay\r\nContent-Ty",
        "POST /flowroute/\(testToken) HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 120\r\n\r\n{\"to\": \"1206",
    ]

    @Test("a client that sends part of a request and stalls is answered 408 and cut off after the request timeout",
        arguments: partialRequests)
    func stalledRequest(partial: String) async throws {
        try await withTemporaryDirectory { dir in
            let server = try await ServeProcess(environment: Self.environment(dir, ["SMSRELAY_REQUEST_TIMEOUT_SECONDS": "2"]))
            defer { _ = server.terminate() }
            let connection = try await RawConnection(port: server.port)
            let started = ContinuousClock.now
            try await connection.send(partial)
            let answer = try await connection.waitForClose(timeout: .seconds(30))
            #expect(ContinuousClock.now - started >= .milliseconds(1900), "not before the request timeout")
            let response = try #require(RawResponse(parsing: answer, closed: true), "\(String(decoding: answer, as: UTF8.self))")
            #expect(response.status == 408)
            #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(response.json?["error"] is String)
        }
    }

    @Test("a request that trickles in byte by byte is cut off once the request timeout has passed since its first byte")
    func trickledRequest() async throws {
        try await withTemporaryDirectory { dir in
            let server = try await ServeProcess(environment: Self.environment(dir, ["SMSRELAY_REQUEST_TIMEOUT_SECONDS": "2"]))
            defer { _ = server.terminate() }
            let connection = try await RawConnection(port: server.port)
            // 200 bytes at 4 a second would take 50 s: activity must not keep the request alive.
            let request = "POST /flowroute/\(testToken) HTTP/1.1\r\nHost: relay\r\nX-Padding: "
                + String(repeating: "a", count: 200) + "\r\n\r\n"
            let started = ContinuousClock.now
            for byte in request {
                if connection.checkClosed() { break }
                try? await connection.send(String(byte))
                try await Task.sleep(for: .milliseconds(250))
            }
            // Closed before the last byte was sent: the trickle did not keep the request alive.
            #expect(connection.checkClosed(), "the server let the request trickle for \(ContinuousClock.now - started)")
        }
    }

    @Test("an idle keep-alive connection is closed after the idle timeout")
    func idleConnection() async throws {
        try await withTemporaryDirectory { dir in
            let server = try await ServeProcess(environment: Self.environment(dir, ["SMSRELAY_IDLE_TIMEOUT_SECONDS": "2"]))
            defer { _ = server.terminate() }
            let connection = try await RawConnection(port: server.port)
            // Timed from before the request: the idle time begins after the answer, later still.
            let asked = ContinuousClock.now
            try await connection.send("GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n")
            let response = try await connection.readResponse()
            #expect(response.status == 200)
            #expect(response.header("Connection")?.lowercased() != "close", "kept alive")
            _ = try await connection.waitForClose(timeout: .seconds(30))
            #expect(ContinuousClock.now - asked >= .milliseconds(1900), "not before the idle timeout")
        }
    }

    @Test("with the connection limit taken by idle connections, /healthz still answers and the oldest idle one is closed")
    func limitReplacesIdleConnections() async throws {
        try await withTemporaryDirectory { dir in
            let server = try await ServeProcess(environment: Self.environment(dir, ["SMSRELAY_MAX_CONNECTIONS": "8"]))
            defer { _ = server.terminate() }
            var idle: [RawConnection] = []
            for _ in 0..<8 {
                // A request answered: the server has taken the connection, which is idle now.
                let connection = try await RawConnection(port: server.port)
                try await connection.send("GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n")
                #expect(try await connection.readResponse().status == 200)
                idle.append(connection)
            }
            let health = try await RawConnection(port: server.port)
            try await health.send("GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n")
            let response = try await health.readResponse(timeout: .seconds(10))
            #expect(response.status == 200)
            #expect(response.json?["status"] as? String == "ok")
            try await eventually("the oldest idle connection closed") { idle[0].checkClosed() }
            #expect(idle.dropFirst().allSatisfy { !$0.checkClosed() }, "only the oldest idle connection gives way")
        }
    }

    @Test("with every connection busy with a request, a new one is answered 503 and closed at once")
    func limitRefusesWhenAllBusy() async throws {
        try await withTemporaryDirectory { dir in
            let server = try await ServeProcess(
                environment: Self.environment(dir, ["SMSRELAY_MAX_CONNECTIONS": "4", "SMSRELAY_REQUEST_TIMEOUT_SECONDS": "120"]))
            defer { _ = server.terminate() }
            var busy: [RawConnection] = []
            for _ in 0..<4 {
                // A wrong token is answered 404 at once, while the body is still awaited: the
                // answer shows the server has read the request's start; it stays busy reading it.
                let connection = try await RawConnection(port: server.port)
                try await connection.send(
                    "POST /flowroute/wrong-token-0123456789 HTTP/1.1\r\nHost: relay\r\nContent-Length: 100\r\n\r\n{")
                #expect(try await connection.readResponse().status == 404)
                busy.append(connection)
            }
            let refused = try await RawConnection(port: server.port)
            // At once, not after the busy ones' 120 s request timeout: 60 s is the limit of the wait.
            let answer = try await refused.waitForClose(timeout: .seconds(60))
            let response = try #require(RawResponse(parsing: answer, closed: true), "\(String(decoding: answer, as: UTF8.self))")
            #expect(response.status == 503)
            #expect(response.json?["error"] is String)
            #expect(busy.allSatisfy { !$0.checkClosed() }, "busy connections are not closed to make room")
        }
    }

    @Test("with `ulimit -n 256`, 300 idle connections leave /healthz and callbacks answering")
    func lowFileLimit() async throws {
        try await withTemporaryDirectory { dir in
            let server = try await ServeProcess(environment: Self.environment(dir), fileLimit: 256)
            defer { _ = server.terminate() }
            var idle: [RawConnection] = []
            for _ in 0..<300 {
                idle.append(try await RawConnection(port: server.port))
            }
            let health = try await RawConnection(port: server.port)
            try await health.send("GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n")
            #expect(try await health.readResponse(timeout: .seconds(10)).status == 200)
            #expect(try await server.post(IntakeTests.seed) == 200)
            withExtendedLifetime(idle) {}
        }
    }
}
