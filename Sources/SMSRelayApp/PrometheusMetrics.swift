import Metrics
import Prometheus
import SMSRelayCore

/// The relay's figures in one Prometheus registry, and the swift-metrics factory that fills it.
///
/// The code that records a figure uses swift-metrics (`Counter`, `Timer`, `Gauge`) and knows
/// nothing of Prometheus. `smsrelay serve` runs its services inside
/// `withMetricsFactory(metrics.factory)`, so every figure recorded there lands here, and
/// `/metrics` on the admin listener shows them. Each metric gets its help line and buckets from
/// ``RelayMetric``; a name not in that list (none today) is still counted, without help.
public final class PrometheusMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    public var factory: any MetricsFactory { Factory(registry: registry) }

    public init() {}

    /// The registry in Prometheus's text exposition format (version 0.0.4).
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }

    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    struct Factory: MetricsFactory {
        let registry: PrometheusCollectorRegistry

        private func descriptor(_ label: String) -> MetricNameDescriptor {
            MetricNameDescriptor(metricName: label, unitName: "", helpText: RelayMetric(rawValue: label)?.help ?? "")
        }

        private func buckets(_ label: String) -> [Double] {
            let buckets = RelayMetric(rawValue: label)?.buckets ?? []
            return buckets.isEmpty ? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] : buckets
        }

        func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
            registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
        }

        func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
            registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
        }

        func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
            guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
            return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets(label))
        }

        func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
            registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
        }

        func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
            let buckets = buckets(label).map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) }
            return registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets)
        }

        func destroyCounter(_ handler: any CounterHandler) {
            if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
        }

        func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
            if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
        }

        func destroyRecorder(_ handler: any RecorderHandler) {
            switch handler {
            case let gauge as Prometheus.Gauge: registry.unregisterGauge(gauge)
            case let histogram as Histogram<Double>: registry.unregisterValueHistogram(histogram)
            default: break
            }
        }

        func destroyMeter(_ handler: any MeterHandler) {
            if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        }

        func destroyTimer(_ handler: any TimerHandler) {
            if let histogram = handler as? Histogram<Duration> { registry.unregisterDurationHistogram(histogram) }
        }
    }
}
