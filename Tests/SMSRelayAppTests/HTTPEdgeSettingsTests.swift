import Foundation
import SMSRelayApp
import Testing

@Suite("HTTP edge settings")
struct HTTPEdgeSettingsTests {
    @Test("request timeout 10 s, idle timeout 60 s and 256 connections unless configured")
    func defaults() throws {
        let settings = try RelaySettings.load(environment: [:])
        #expect(settings.requestTimeout == .seconds(10))
        #expect(settings.idleTimeout == .seconds(60))
        #expect(settings.maxConnections == 256)
    }

    @Test("each is read from flags, the environment and the config file")
    func layers() throws {
        let fromEnvironment = try RelaySettings.load(environment: [
            "SMSRELAY_REQUEST_TIMEOUT_SECONDS": "3", "SMSRELAY_IDLE_TIMEOUT_SECONDS": "30", "SMSRELAY_MAX_CONNECTIONS": "64",
        ])
        #expect(fromEnvironment.requestTimeout == .seconds(3))
        #expect(fromEnvironment.idleTimeout == .seconds(30))
        #expect(fromEnvironment.maxConnections == 64)

        let fromFlags = try RelaySettings.load(
            flags: ["request_timeout_seconds": "4", "idle_timeout_seconds": "5", "max_connections": "6"],
            environment: ["SMSRELAY_MAX_CONNECTIONS": "64"])
        #expect(fromFlags.requestTimeout == .seconds(4))
        #expect(fromFlags.idleTimeout == .seconds(5))
        #expect(fromFlags.maxConnections == 6)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("relay.yaml").path
        try "request_timeout_seconds: 7\nidle_timeout_seconds: 8\nmax_connections: 9\n".write(toFile: path, atomically: true, encoding: .utf8)
        let fromFile = try RelaySettings.load(environment: ["SMSRELAY_CONFIG": path])
        #expect(fromFile.requestTimeout == .seconds(7))
        #expect(fromFile.idleTimeout == .seconds(8))
        #expect(fromFile.maxConnections == 9)
    }

    @Test("a value out of range stops start-up with the setting's name", arguments: [
        ("SMSRELAY_REQUEST_TIMEOUT_SECONDS", "0"), ("SMSRELAY_REQUEST_TIMEOUT_SECONDS", "ten"),
        ("SMSRELAY_IDLE_TIMEOUT_SECONDS", "-1"), ("SMSRELAY_MAX_CONNECTIONS", "0"),
    ])
    func invalid(name: String, value: String) throws {
        let error = #expect(throws: ConfigError.self) { try RelaySettings.load(environment: [name: value]) }
        #expect(error?.description.hasPrefix("\(name) (") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("'\(value)'") == true)
    }

    @Test("the callback URL takes the listening port when the public URL is derived, and hides the token for logs")
    func callbackURL() throws {
        let derived = try RelaySettings.load(environment: ["SMSRELAY_PORT": "0"])
        #expect(derived.callbackURL(token: "0123456789abcdef0123", port: 41234) == "http://127.0.0.1:41234/flowroute/0123456789abcdef0123")
        #expect(derived.redactedCallbackURL(token: "0123456789abcdef0123", port: 41234) == "http://127.0.0.1:41234/flowroute/0123…(redacted)")
        let public_ = try RelaySettings.load(environment: ["SMSRELAY_PUBLIC_URL": "https://relay.example.com/"])
        #expect(public_.callbackURL(token: "0123456789abcdef0123", port: 41234) == "https://relay.example.com/flowroute/0123456789abcdef0123")
    }
}
