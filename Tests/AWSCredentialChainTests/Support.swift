import ComponentConfig
import Configuration
import Foundation
import Logging
import Synchronization

/// The AWS scope of settings read from these environment variables, as the relay reads it.
func awsScope(_ environment: [String: String]) -> ComponentConfig {
    let secrets: Set<String> = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    let reader = ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(secrets)))
    return ComponentConfig(reader: reader).rooted(at: ["aws"])
}

/// A clock the test moves by hand, starting now.
final class TestClock: Sendable {
    private let time = Mutex(Date())

    var now: @Sendable () -> Date { { [self] in time.withLock { $0 } } }

    func advance(seconds: TimeInterval) {
        time.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// Keeps every log line, message and metadata, for checking what was logged.
struct RecordingLogHandler: LogHandler {
    final class Store: Sendable {
        private let lines = Mutex<[(level: Logger.Level, text: String)]>([])
        var all: [(level: Logger.Level, text: String)] { lines.withLock { $0 } }
        func append(_ level: Logger.Level, _ text: String) { lines.withLock { $0.append((level, text)) } }
    }

    let store: Store
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        store.append(event.level, "\(event.message) \(all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }

    static func logger(_ store: Store) -> Logger {
        Logger(label: "test") { _ in RecordingLogHandler(store: store) }
    }
}

/// A file holding `text` in a fresh temporary folder, removed when `body` returns.
func withTokenFile<T>(_ text: String, _ body: (URL) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aws-token-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("token")
    try Data(text.utf8).write(to: file)
    return try await body(file)
}

/// A file holding `text` in a fresh temporary folder; remove it with `removeTokenFile(_:)`.
func makeTokenFile(_ text: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aws-token-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let file = folder.appendingPathComponent("token")
    try Data(text.utf8).write(to: file)
    return file
}

func removeTokenFile(_ file: URL) {
    try? FileManager.default.removeItem(at: file.deletingLastPathComponent())
}
