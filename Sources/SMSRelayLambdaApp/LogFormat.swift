/// How log lines are written (`SMSRELAY_LOG_FORMAT`).
public enum LogFormat: String, Sendable, Equatable {
    /// swift-log's line: time, level, label, metadata and message, for people.
    case text
    /// One JSON object a line, for a log collector (journald, Loki, CloudWatch).
    case json
}

/// A `host:port` to listen on.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
