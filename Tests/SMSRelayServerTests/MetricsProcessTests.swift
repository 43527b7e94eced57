import AsyncHTTPClient
import Foundation
import NIOCore
import SMSRelayCore
import TestSupport
import Testing

/// `/metrics` and `/healthz` on the admin listener of a real `smsrelay serve`, read after real
/// callbacks and deliveries, and checked by Prometheus's own `promtool`.
@Suite("Metrics on the admin listener", .serialized)
struct MetricsProcessTests {
    static func callback(_ id: String) -> String {
        #"{"to": "12066418000", "body": "metrics", "from": "18553569768", "id": "\#(id)"}"#
    }

    /// The admin listener's base URL, from the line `serve` prints once it listens.
    static func adminURL(_ server: ServeProcess) async throws -> String {
        let line = try await server.line(startingWith: "Admin listener")
        let url = try #require(line.split(separator: " ").last.map(String.init))
        #expect(url.hasPrefix("http://127.0.0.1:"))
        return url
    }

    static func get(_ url: String) async throws -> (status: Int, contentType: String, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: "Content-Type") ?? "", String(buffer: body))
    }

    static func post(_ url: String, _ body: String, contentType: String = "application/json") async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// The value of the series `name{labels}` in a text exposition, whatever the labels' order.
    static func value(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            let series = parts[0]
            let seriesName = series.prefix { $0 != "{" }
            guard seriesName == name else { continue }
            var found: [String: String] = [:]
            if let open = series.firstIndex(of: "{") {
                let inside = series[series.index(after: open)..<(series.lastIndex(of: "}") ?? series.endIndex)]
                for pair in inside.split(separator: ",") {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    if kv.count == 2 { found[String(kv[0])] = String(kv[1].dropFirst().dropLast()) }
                }
            }
            if found == labels { return Double(parts[1]) }
        }
        return nil
    }

    @Test("callbacks, deliveries and the outbox are counted; promtool finds the exposition valid; the public port has no /metrics")
    func metricsAfterTraffic() async throws {
        try await withTemporaryDirectory { dir in
            let server = try await ServeProcess(environment: [
                "SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_ADMIN_LISTEN": "127.0.0.1:0",
            ])
            defer { _ = server.terminate() }
            let admin = try await Self.adminURL(server)

            #expect(try await server.post(Self.callback("metrics-1")) == 200)
            #expect(try await server.post(Self.callback("metrics-2")) == 200)
            #expect(try await server.post(Self.callback("metrics-1")) == 200, "a retried callback: duplicate")
            #expect(try await server.post(#"{"to": "12066418000""#) == 400)
            #expect(try await Self.post(server.callbackURL, "{}", contentType: "application/xml") == 415)
            let wrongToken = server.callbackURL.replacingOccurrences(of: "/flowroute/", with: "/flowroute/x")
            #expect(try await Self.post(wrongToken, Self.callback("metrics-3")) == 404)

            // Both texts delivered to the maildir before the figures are read.
            let deadline = ContinuousClock.now + .seconds(20)
            while try maildirMessages(dir.appendingPathComponent("mail")).count < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            var scrape = try await Self.get(admin + "/metrics")
            // The worker counts a delivery once the maildir has it; wait for the second count.
            while Self.value(scrape.body, "smsrelay_deliveries_total", ["transport": "maildir", "outcome": "sent"]) != 2,
                  ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                scrape = try await Self.get(admin + "/metrics")
            }
            let text = scrape.body
            #expect(scrape.status == 200)
            #expect(scrape.contentType.hasPrefix("text/plain; version=0.0.4"))
            #expect(Self.value(text, "smsrelay_callbacks_total", ["carrier": "flowroute", "outcome": "stored", "code": "200"]) == 2)
            #expect(Self.value(text, "smsrelay_callbacks_total", ["carrier": "flowroute", "outcome": "duplicate", "code": "200"]) == 1)
            #expect(Self.value(text, "smsrelay_callbacks_total", ["carrier": "flowroute", "outcome": "invalid_payload", "code": "400"]) == 1)
            #expect(Self.value(text, "smsrelay_callbacks_total", ["carrier": "flowroute", "outcome": "unsupported_content_type", "code": "415"]) == 1)
            #expect(Self.value(text, "smsrelay_callbacks_total", ["carrier": "flowroute", "outcome": "unknown_endpoint", "code": "404"]) == 1)
            #expect(Self.value(text, "smsrelay_intake_duration_seconds_count") == 6)
            #expect(Self.value(text, "smsrelay_deliveries_total", ["transport": "maildir", "outcome": "sent"]) == 2)
            #expect(Self.value(text, "smsrelay_delivery_duration_seconds_count", ["transport": "maildir"]) == 2)
            #expect(Self.value(text, "smsrelay_delivery_latency_seconds_count", ["transport": "maildir"]) == 2)
            #expect(Self.value(text, "smsrelay_outbox_messages", ["status": "sent"]) == 2)
            #expect(Self.value(text, "smsrelay_outbox_messages", ["status": "pending"]) == 0)
            #expect(Self.value(text, "smsrelay_outbox_oldest_pending_age_seconds") == 0)
            #expect(Self.value(text, "smsrelay_build_info", ["version": SMSRelayVersion.current]) == 1)
            for metric in RelayMetric.allCases where [.callbacks, .deliveries, .outboxMessages, .buildInfo].contains(metric) {
                #expect(text.contains("# HELP \(metric.name) \(metric.help)\n"), "\(metric.name) has its help line")
                #expect(text.contains("# TYPE \(metric.name) \(metric.kind.rawValue)\n"))
            }
            // No phone number, body or token in the figures.
            #expect(!text.contains("18553569768") && !text.contains("metrics-1"))
            #expect(!text.contains(try #require(server.callbackURL.split(separator: "/").last.map(String.init))))

            // Prometheus's own linter reads the exposition: no error, no lint problem.
            let check = try await ProcessRun(
                URL(fileURLWithPath: "/usr/bin/env"), ["promtool", "check", "metrics"], input: Data(text.utf8), timeout: .seconds(30))
            let report = String(decoding: check.stdout + check.stderr, as: UTF8.self)
            #expect(check.status == 0, "promtool: \(report)")
            #expect(report.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool: \(report)")

            // The admin listener's health report; the public port has no /metrics.
            let health = try await Self.get(admin + "/healthz")
            #expect(health.status == 200 && health.body.contains(#""sent":2"#), "\(health.body)")
            let publicPort = server.callbackURL.components(separatedBy: "/flowroute/")[0]
            #expect(try await Self.get(publicPort + "/metrics").status == 404)
        }
    }

    @Test("pending messages show in the outbox gauges with the age of the oldest; without SMSRELAY_ADMIN_LISTEN nothing listens")
    func pendingAge() async throws {
        try await withTemporaryDirectory { dir in
            let server = try await ServeProcess(environment: [
                "SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_ADMIN_LISTEN": "127.0.0.1:0", "SMSRELAY_RETRY_BASE_SECONDS": "60",
            ])
            defer { _ = server.terminate() }
            let admin = try await Self.adminURL(server)
            // A maildir that cannot be written: every delivery fails and is retried later.
            let tmp = dir.appendingPathComponent("mail/tmp")
            try FileManager.default.removeItem(at: tmp)
            try Data("not a folder".utf8).write(to: tmp)
            // The message is pending from the moment the relay stores it, inside the POST: its
            // age is bounded by the time since the POST began, however long the answer took.
            let posted = ContinuousClock.now
            #expect(try await server.post(Self.callback("pending-1")) == 200)
            var text = ""
            let deadline = ContinuousClock.now + .seconds(20)
            repeat {
                try await Task.sleep(for: .milliseconds(100))
                text = try await Self.get(admin + "/metrics").body
            } while (Self.value(text, "smsrelay_deliveries_total", ["transport": "maildir", "outcome": "retry"]) ?? 0) < 1
                && ContinuousClock.now < deadline
            try await Task.sleep(for: .milliseconds(1100))
            text = try await Self.get(admin + "/metrics").body
            let waited = (ContinuousClock.now - posted) / .seconds(1)
            #expect(Self.value(text, "smsrelay_outbox_messages", ["status": "pending"]) == 1)
            #expect(Self.value(text, "smsrelay_deliveries_total", ["transport": "maildir", "outcome": "retry"]) == 1)
            let age = try #require(Self.value(text, "smsrelay_outbox_oldest_pending_age_seconds"))
            #expect(age >= 1 && age <= waited + 1, "age \(age) after \(waited) s")
        }
        try await withTemporaryDirectory { dir in
            let server = try await ServeProcess(environment: ["SMSRELAY_DATA_DIR": dir.path])
            defer { _ = server.terminate() }
            #expect(try await server.post(Self.callback("no-admin")) == 200)
            #expect(!server.standardOutput.contains("Admin listener"))
        }
    }

    @Test("the admin listener may not share the public port")
    func adminOnPublicPort() async throws {
        let run = try await CommandRun(["serve", "--port", "18123", "--admin-listen", "127.0.0.1:18123"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("SMSRELAY_ADMIN_LISTEN 127.0.0.1:18123 is the public callback port"), "\(run.stderr)")
    }
}
