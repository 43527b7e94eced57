import Foundation
import Metrics
import SMSRelayApp
import SMSRelayCore
import Testing

/// The registry behind `/metrics`: figures recorded through swift-metrics inside
/// `withMetricsFactory` land in it with the help line and buckets of ``RelayMetric``.
@Suite("Prometheus metrics")
struct PrometheusMetricsTests {
    @Test("a counter, a timer and a gauge recorded through swift-metrics come out with their help, type and buckets")
    func exposition() throws {
        let metrics = PrometheusMetrics()
        withMetricsFactory(metrics.factory) {
            Counter(label: RelayMetric.callbacks.name, dimensions: [("outcome", "stored"), ("code", "200")]).increment(by: 3)
            Timer(label: RelayMetric.intakeDuration.name).recordMilliseconds(2)
            Gauge(label: RelayMetric.outboxMessages.name, dimensions: [("status", "pending")]).record(7)
        }
        // Outside the scope, the global factory (none bootstrapped here): nothing reaches the registry.
        Counter(label: RelayMetric.callbacks.name, dimensions: [("outcome", "stored"), ("code", "200")]).increment()
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains("# HELP smsrelay_callbacks_total \(RelayMetric.callbacks.help)\n# TYPE smsrelay_callbacks_total counter\n"))
        #expect(text.contains(#"smsrelay_callbacks_total{outcome="stored",code="200"} 3"#))
        #expect(text.contains("# TYPE smsrelay_intake_duration_seconds histogram\n"))
        #expect(text.contains(#"smsrelay_intake_duration_seconds_bucket{le="0.001"} 0"#), "\(text)")
        #expect(text.contains(#"smsrelay_intake_duration_seconds_bucket{le="0.0025"} 1"#), "\(text)")
        #expect(text.contains("smsrelay_intake_duration_seconds_count 1\n"))
        #expect(text.contains(#"smsrelay_outbox_messages{status="pending"} 7"#))
    }

    @Test("every metric follows Prometheus's naming: counters end in _total, durations in _seconds, and each has help")
    func naming() {
        for metric in RelayMetric.allCases {
            #expect(metric.name.hasPrefix("smsrelay_"))
            #expect(metric.name.range(of: "^[a-z_][a-z0-9_]*$", options: .regularExpression) != nil)
            #expect((metric.kind == .counter) == metric.name.hasSuffix("_total"), "\(metric.name)")
            if metric.kind == .histogram {
                #expect(metric.name.hasSuffix("_seconds") && !metric.buckets.isEmpty && metric.buckets == metric.buckets.sorted())
            }
            #expect(!metric.help.isEmpty && !metric.help.contains("\n"))
        }
    }

    @Test("the README's monitoring table lists every metric with its type and labels")
    func readmeListsEveryMetric() throws {
        let readme = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        for metric in RelayMetric.allCases {
            let labels = metric.labels.isEmpty ? "—" : metric.labels.map { "`\($0)`" }.joined(separator: ", ")
            #expect(text.contains("| `\(metric.name)` | \(metric.kind.rawValue) | \(labels) |"), "\(metric.name) is missing from README.md's monitoring table")
        }
    }
}
