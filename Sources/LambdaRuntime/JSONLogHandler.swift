import Foundation
import Logging
import Synchronization

/// Logs one JSON object a line, as CloudWatch Logs (and journald, Loki, …) read them:
/// `{"timestamp", "level", "message", …metadata}` (the request id comes in as metadata).
/// Lambda's lines go to standard output; the server's to standard error, beside its text logs'
/// place, so that standard output keeps only what the relay prints for people.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let toStandardError: Bool
    private static let output = Mutex(())

    public init(label: String, toStandardError: Bool = false) {
        self.label = label
        self.toStandardError = toStandardError
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = "\(value)"
        }
        object["timestamp"] = Date().formatted(.iso8601)
        object["level"] = event.level.rawValue.uppercased()
        object["message"] = "\(event.message)"
        object["logger"] = label
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        data.append(0x0A)
        let stream = toStandardError ? FileHandle.standardError : FileHandle.standardOutput
        Self.output.withLock { _ in stream.write(data) }
    }
}
