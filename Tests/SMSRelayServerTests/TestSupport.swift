import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SMSRelayConfig
import SMSRelayServer

let testToken = "test-token-0123456789abcdef"

/// The bytes of a fixture shared with the core tests.
func fixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SMSRelayCoreTests/Fixtures/\(name)")
    return Array(try Data(contentsOf: url))
}

/// A fresh folder under the system's temporary folder, removed when `body` returns.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("smsrelay-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// Files in a maildir's `new/`, read whole, sorted by name.
func maildirMessages(_ root: URL) throws -> [String] {
    let new = root.appendingPathComponent("new")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: new.path)) ?? []
    return try names.sorted().map { try String(contentsOf: new.appendingPathComponent($0), encoding: .utf8) }
}

/// Waits until `condition` holds, or fails the test after `timeout`.
func eventually(timeout: Duration = .seconds(10), _ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    throw TestFailure("timed out waiting for \(what)")
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Settings for a relay in `dir`, on loopback, with a known token; `extra` overrides them.
func testSettings(dir: URL, extra: [String: String] = [:], environment: [String: String] = [:]) throws -> RelaySettings {
    var flags = ["data_dir": dir.path, "host": "127.0.0.1", "port": "0", "retry_base_seconds": "1"]
    flags.merge(extra) { $1 }
    return try RelaySettings.load(
        flags: flags, environment: environment.merging(["SMSRELAY_WEBHOOK_TOKEN": testToken]) { $1 })
}

/// Runs a whole relay (intake, outbox, worker, maildir) on a live loopback port for `body`.
func withLiveRelay<T: Sendable>(
    dir: URL, extra: [String: String] = [:], environment: [String: String] = [:],
    _ body: @Sendable (any TestClientProtocol, RelayAssembly) async throws -> T
) async throws -> T {
    var logger = Logger(label: "smsrelay-test")
    logger.logLevel = .warning
    let settings = try testSettings(dir: dir, extra: extra, environment: environment)
    let assembly = try RelayAssembly(settings: settings, logger: logger)
    let app = assembly.makeApplication(logger: logger)
    return try await app.test(.live) { client in try await body(client, assembly) }
}
