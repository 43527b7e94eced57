import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SMSRelayApp
import SMSRelayServer
import TestSupport

let testToken = "test-token-0123456789abcdef"

/// The bytes of a fixture shared with the core tests.
func fixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SMSRelayCoreTests/Fixtures/\(name)")
    return Array(try Data(contentsOf: url))
}


/// Files in a maildir's `new/`, read whole, sorted by name.
func maildirMessages(_ root: URL) throws -> [String] {
    let new = root.appendingPathComponent("new")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: new.path)) ?? []
    return try names.sorted().map { try String(contentsOf: new.appendingPathComponent($0), encoding: .utf8) }
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
    let assembly = try await RelayAssembly(settings: settings, logger: logger)
    let app = assembly.makeApplication(logger: logger)
    return try await app.test(.live) { client in try await body(client, assembly) }
}

/// POSTs a callback body to the relay's endpoint with the test token and returns the status.
func postCallback(_ client: some TestClientProtocol, _ body: String) async throws -> HTTPResponse.Status {
    try await client.execute(
        uri: "/flowroute/\(testToken)", method: .post, headers: [.contentType: "application/json"],
        body: ByteBuffer(string: body)
    ).status
}
