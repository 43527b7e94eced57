import Foundation
import TestSupport
import Testing

/// Answers to requests the HTTP parser refuses, and to methods other than POST, over raw sockets.
@Suite("HTTP-level errors answer with a JSON body")
struct HTTPErrorBodyTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var request: String
        var status: Int
        var testDescription: String { name }
    }

    static let callback = "/flowroute/\(testToken)"

    static let malformed: [Case] = [
        Case(
            name: "Content-Length with Transfer-Encoding",
            request: "POST \(callback) HTTP/1.1\r\nHost: relay\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            status: 400),
        Case(
            name: "negative Content-Length",
            request: "POST \(callback) HTTP/1.1\r\nHost: relay\r\nContent-Length: -5\r\n\r\n", status: 400),
        Case(
            name: "repeated Content-Length",
            request: "POST \(callback) HTTP/1.1\r\nHost: relay\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
            status: 400),
        Case(name: "unknown method", request: "FROB \(callback) HTTP/1.1\r\nHost: relay\r\n\r\n", status: 501),
        Case(
            name: "100 KB path",
            request: "GET /\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\nHost: relay\r\n\r\n", status: 431),
        Case(name: "malformed header line", request: "GET /healthz HTTP/1.1\r\nHo st: relay\r\n\r\n", status: 400),
        Case(name: "unknown path", request: "GET /no/such/path HTTP/1.1\r\nHost: relay\r\n\r\n", status: 404),
        Case(name: "wrong token", request: "POST /flowroute/wrong-token-0123456789 HTTP/1.1\r\nHost: relay\r\nContent-Length: 0\r\n\r\n", status: 404),
        Case(name: "TRACE with the right token", request: "TRACE \(callback) HTTP/1.1\r\nHost: relay\r\n\r\n", status: 405),
        Case(name: "PROPFIND with the right token", request: "PROPFIND \(callback) HTTP/1.1\r\nHost: relay\r\n\r\n", status: 405),
        Case(name: "TRACE with a wrong token", request: "TRACE /flowroute/wrong-token-0123456789 HTTP/1.1\r\nHost: relay\r\n\r\n", status: 404),
    ]

    @Test("each refused request gets its status and {\"error\": …}", arguments: malformed)
    func refused(_ test: Case) async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, _ in
                let connection = try await RawConnection(port: try #require(client.port))
                try await connection.send(test.request)
                let response = try await connection.readResponse()
                #expect(response.status == test.status)
                #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
                let error = try #require(response.json?["error"] as? String, "\(String(decoding: response.body, as: UTF8.self))")
                #expect(!error.isEmpty)
                if test.status == 405 {
                    #expect(response.header("Allow") == "POST")
                }
            }
        }
    }

    @Test("CONNECT with the right token gets 405 and Allow: POST, and the connection is closed to end the answer")
    func connect() async throws {
        try await withTemporaryDirectory { dir in
            try await withLiveRelay(dir: dir) { client, _ in
                let connection = try await RawConnection(port: try #require(client.port))
                try await connection.send("CONNECT \(Self.callback) HTTP/1.1\r\nHost: relay\r\n\r\n")
                let answer = try await connection.waitForClose(timeout: .seconds(30))
                let response = try #require(RawResponse(parsing: answer, closed: true), "\(String(decoding: answer, as: UTF8.self))")
                // NIO sends no body in an answer to CONNECT (RFC 9110 forbids one only for 2xx).
                #expect(response.status == 405)
                #expect(response.header("Allow") == "POST")
                #expect(response.header("Connection")?.lowercased() == "close")
            }
        }
    }
}
