/// Every figure the relay reports, in Prometheus's words: the name (`smsrelay_…_total` for
/// counters, `_seconds` for durations), the labels it carries, and the help line `/metrics`
/// shows. The one list both the code that records a figure and the exporter read.
public enum RelayMetric: String, CaseIterable, Sendable {
    case callbacks = "smsrelay_callbacks_total"
    case intakeDuration = "smsrelay_intake_duration_seconds"
    case outboxMessages = "smsrelay_outbox_messages"
    case outboxOldestPendingAge = "smsrelay_outbox_oldest_pending_age_seconds"
    case deliveries = "smsrelay_deliveries_total"
    case deliveryDuration = "smsrelay_delivery_duration_seconds"
    case deliveryLatency = "smsrelay_delivery_latency_seconds"
    case replies = "smsrelay_replies_total"
    case mediaFetches = "smsrelay_media_fetches_total"
    case buildInfo = "smsrelay_build_info"

    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    public var name: String { rawValue }

    public var kind: Kind {
        switch self {
        case .callbacks, .deliveries, .replies, .mediaFetches: .counter
        case .outboxMessages, .outboxOldestPendingAge, .buildInfo: .gauge
        case .intakeDuration, .deliveryDuration, .deliveryLatency: .histogram
        }
    }

    /// The labels every series of the metric carries.
    public var labels: [String] {
        switch self {
        case .callbacks: ["carrier", "outcome", "code"]
        case .intakeDuration: []
        case .outboxMessages: ["status"]
        case .outboxOldestPendingAge: []
        case .deliveries: ["transport", "outcome"]
        case .deliveryDuration, .deliveryLatency: ["transport"]
        case .replies: ["outcome"]
        case .mediaFetches: ["outcome"]
        case .buildInfo: ["version"]
        }
    }

    public var help: String {
        switch self {
        case .callbacks:
            "Carrier callbacks answered, by carrier, outcome (stored, duplicate, receipt, duplicate_receipt, ignored, delivered, or why one was refused) and HTTP status code."
        case .intakeDuration:
            "Time from a callback's arrival to its answer: parsing, and for a message its durable commit to the outbox."
        case .outboxMessages:
            "Messages in the outbox, by status (pending, sent, dead), read when scraped."
        case .outboxOldestPendingAge:
            "Seconds the oldest pending message has waited since it became pending; 0 when none is."
        case .deliveries:
            "Delivery attempts of emails (texts and notices), by transport and outcome: sent, retry (failed, tried again later), dead (failed for good), postponed (the transport paused)."
        case .deliveryDuration:
            "Time the mail transport took to take (or refuse) one email."
        case .deliveryLatency:
            "Time from a message becoming pending (stored, or revived by outbox retry) to the mail system taking it."
        case .replies:
            "Replies sent to texters as SMS, by outcome: sent, retry, failed (for good), postponed."
        case .mediaFetches:
            "MMS media download attempts, by outcome: fetched, retry (failed, tried again later), given_up (too large, not allowed, or failed for good: the email keeps a link)."
        case .buildInfo:
            "Always 1; the version label says which relay build is running."
        }
    }

    /// Upper bounds of the histogram's buckets, in seconds (Prometheus adds `+Inf`).
    public var buckets: [Double] {
        switch self {
        case .intakeDuration: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
        case .deliveryDuration: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
        case .deliveryLatency: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400]
        default: []
        }
    }
}
