import Foundation
import Outbox
import TestSupport
import Testing

@Suite("smsrelay serve stops on SIGTERM")
struct ShutdownTests {
    /// Written by swift-service-lifecycle, at debug level, when a graceful stop runs out of the
    /// relay's 12 s and what is left is cancelled.
    static let cancelledStop = "Graceful shutdown took longer than allowed by the configuration"

    /// nil: the default request timeout (10 s); "120": one far longer than any stop may take.
    @Test("SIGTERM stops the server while clients stall mid-request, gracefully, and the worker stops too",
        arguments: [nil, "120"] as [String?])
    func stalledClients(requestTimeout: String?) async throws {
        try await withTemporaryDirectory { dir in
            var environment = ["SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_WEBHOOK_TOKEN": testToken, "SMSRELAY_LOG_LEVEL": "debug"]
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

            // 60 s is a time limit on the test, not the measure: with the 120 s request timeout, a
            // server that waited for the stalled clients would still be running then. The measure
            // is the relay's own: a stop that reached its 12 s limit says so in the debug log.
            let status = server.terminate(timeout: .seconds(60))
            #expect(status == 0, "\(server.standardError.suffix(2000))")
            #expect(!server.standardError.contains(Self.cancelledStop), "the graceful stop ran out of time")
            #expect(server.standardError.contains("delivery worker stopped"), "the worker got its stop signal: \(server.standardError.suffix(2000))")
            withExtendedLifetime((inHeader, inCallback)) {}
        }
    }

    @Test("SIGTERM while an email is in the middle of DATA: the worker finishes it, records it sent, and the next start sends nothing again")
    func inFlightDeliveryFinishes() async throws {
        // aiosmtpd holds the first DATA for 3 s before its 250, and records the message only if
        // the client is still there to hear it.
        try await SMTPTestServer.with(["--hang-first-data", "3"]) { smtp in
            try await withTemporaryDirectory { dir in
                let environment = [
                    "SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_WEBHOOK_TOKEN": testToken, "SMSRELAY_LOG_LEVEL": "debug",
                    "SMSRELAY_TRANSPORT": "smtp", "SMSRELAY_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)?tls=none",
                    "SMSRELAY_MAIL_FROM": "sms@example.org", "SMSRELAY_MAIL_TO": "me@example.com",
                ]
                let server = try await ServeProcess(environment: environment)
                defer { server.kill() }
                #expect(try await server.post(IntakeTests.seed) == 200)
                try await eventually("the message in DATA") { try smtp.events().contains { $0.event == "data-hang" } }

                #expect(server.terminate(timeout: .seconds(60)) == 0, "\(server.standardError.suffix(2000))")
                #expect(!server.standardError.contains(Self.cancelledStop), "the graceful stop ran out of time")
                let events = try smtp.events()
                #expect(!events.contains { $0.event == "aborted" }, "the relay did not hang up in the middle of DATA")
                #expect(try smtp.messages().count == 1, "the server took the message")

                // Nothing half-written: the outbox is whole and says sent, with the one attempt.
                let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("outbox.sqlite").path)
                let entry = try #require(try await store.list(status: nil, limit: 10).first)
                #expect(try await store.counts() == OutboxCounts(pending: 0, sent: 1, dead: 0, receipts: 0))
                #expect(entry.attempts == 1)
                await store.close()
                let check = try await ProcessRun(
                    URL(fileURLWithPath: "/usr/bin/env"),
                    ["python3", "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])",
                     dir.appendingPathComponent("outbox.sqlite").path],
                    timeout: .seconds(30))
                #expect(String(decoding: check.stdout, as: UTF8.self) == "ok\n", "\(String(decoding: check.stderr, as: UTF8.self))")

                // The next start finds nothing to send.
                let restarted = try await ServeProcess(environment: environment)
                defer { restarted.kill() }
                #expect(try await restarted.post(IntakeTests.seed) == 200, "a retried callback")
                #expect(restarted.terminate() == 0)
                #expect(try smtp.messages().count == 1, "one email in all")
            }
        }
    }
}
