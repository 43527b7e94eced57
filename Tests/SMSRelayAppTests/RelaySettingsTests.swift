import Foundation
import SMSRelayApp
import SMSRelayCore
import Testing

@Suite("Relay settings")
struct RelaySettingsTests {
    func withConfigFile<T>(_ yaml: String, _ body: (String) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("relay.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try body(path)
    }

    @Test("with nothing configured, the documented defaults apply")
    func defaults() throws {
        let settings = try RelaySettings.load(environment: [:])
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 8080)
        #expect(settings.dataDirectory.lastPathComponent == "smsrelay-data")
        #expect(settings.maildir == settings.dataDirectory.appendingPathComponent("mail"))
        #expect(settings.publicURL == "http://127.0.0.1:8080")
        #expect(settings.webhookToken == nil)
        #expect(settings.maxBodyBytes == 65_536)
        #expect(settings.maxAttempts == nil, "no cap: transient failures are retried for retry_for")
        #expect(settings.retryFor == .seconds(5 * 86_400))
        #expect(settings.transport == .maildir)
        #expect(settings.routing.defaultRoute.recipients == ["inbox@localhost"])
        #expect(settings.routing.defaultRoute.sender == "sms@localhost")
        #expect(settings.logLevel == "info")
        #expect(settings.media == MediaSettings(
            fetch: true, maxBytes: 10_485_760, maxTotalBytes: 20_971_520, trustedHosts: "", timeout: .seconds(30),
            attempts: 4, keep: false))
    }

    @Test("media settings are read from flags, the environment and the file")
    func mediaSettings() throws {
        try withConfigFile("media_keep: yes\nmedia_attempts: 2\n") { path in
            let settings = try RelaySettings.load(
                flags: ["media_fetch": "off", "media_max_bytes": "65536"],
                environment: [
                    "SMSRELAY_CONFIG": path, "SMSRELAY_MEDIA_MAX_TOTAL_BYTES": "131072",
                    "SMSRELAY_MEDIA_TRUSTED_HOSTS": "127.0.0.1:8443, media.internal",
                    "SMSRELAY_MEDIA_TIMEOUT_SECONDS": "3",
                ])
            #expect(settings.media == MediaSettings(
                fetch: false, maxBytes: 65_536, maxTotalBytes: 131_072, trustedHosts: "127.0.0.1:8443, media.internal",
                timeout: .seconds(3), attempts: 2, keep: true))
        }
    }

    @Test("flags win over the environment, which wins over the config file")
    func precedence() throws {
        try withConfigFile("port: 7000\nhost: 127.0.0.2\nmax_attempts: 3\n") { path in
            let settings = try RelaySettings.load(
                flags: ["port": "9000"],
                environment: ["SMSRELAY_CONFIG": path, "SMSRELAY_PORT": "8000", "SMSRELAY_HOST": "127.0.0.3"])
            #expect(settings.port == 9000)
            #expect(settings.host == "127.0.0.3")
            #expect(settings.maxAttempts == 3)
        }
    }

    @Test("a wrong value names the setting and what is expected", arguments: [
        ("SMSRELAY_PORT", "eighty", "SMSRELAY_PORT (--port, or 'port' in the config file) is 'eighty'; expected a whole number from 0 to 65535"),
        ("SMSRELAY_MAX_BODY_BYTES", "10", "expected a whole number from 256 to 10485760"),
        ("SMSRELAY_TRANSPORT", "pigeon", "SMSRELAY_TRANSPORT"),
        ("SMSRELAY_MAIL_TO", "not an address", "SMSRELAY_MAIL_TO"),
        ("SMSRELAY_MAIL_FROM", "a@b\r\nBcc: x@y", "SMSRELAY_MAIL_FROM"),
        ("SMSRELAY_LOG_LEVEL", "loud", "SMSRELAY_LOG_LEVEL"),
        ("SMSRELAY_PUBLIC_URL", "ftp://x", "SMSRELAY_PUBLIC_URL"),
        ("SMSRELAY_MEDIA_FETCH", "maybe", "SMSRELAY_MEDIA_FETCH (--media-fetch, or 'media_fetch' in the config file) is 'maybe'; expected true or false"),
        ("SMSRELAY_MEDIA_MAX_BYTES", "0", "SMSRELAY_MEDIA_MAX_BYTES"),
        ("SMSRELAY_MEDIA_ATTEMPTS", "0", "SMSRELAY_MEDIA_ATTEMPTS"),
        ("SMSRELAY_MEDIA_KEEP", "2", "SMSRELAY_MEDIA_KEEP"),
    ])
    func invalid(variable: String, value: String, expected: String) {
        #expect {
            _ = try RelaySettings.load(environment: [variable: value])
        } throws: { error in
            (error as? ConfigError)?.description.contains(expected) == true
        }
    }

    @Test("a token that is too short is refused without being echoed")
    func badToken() {
        #expect {
            _ = try RelaySettings.load(environment: ["SMSRELAY_WEBHOOK_TOKEN": "s3cret"])
        } throws: { error in
            let text = "\(error)"
            return text.contains("SMSRELAY_WEBHOOK_TOKEN") && text.contains("<redacted>") && !text.contains("s3cret")
        }
    }

    @Test("routes come from the config file, with template paths relative to it")
    func routes() throws {
        let yaml = """
            mail_to: [me@example.com, "Partner <p@example.com>"]
            mail_from: sms@example.com
            routes:
              "+1 (206) 641-8000":
                to: [alice@example.com]
                from: alice-sms@example.com
                html_template: templates/alice.html.mustache
            """
        try withConfigFile(yaml) { path in
            let settings = try RelaySettings.load(environment: ["SMSRELAY_CONFIG": path])
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            let alice = settings.routing.route(for: "12066418000")
            #expect(alice.recipients == ["alice@example.com"])
            #expect(alice.sender == "alice-sms@example.com")
            #expect(alice.templates.html == directory.appendingPathComponent("templates/alice.html.mustache").path)
            let other = settings.routing.route(for: "15550001111")
            #expect(other.recipients == [#"me@example.com, Partner <p@example.com>"#])
            #expect(other.sender == "sms@example.com")
            #expect(settings.templateSets.count == 2)
        }
    }

    @Test("a config file with an unknown key or a bad route is refused", arguments: [
        ("mial_to: me@example.com\n", "unknown setting 'mial_to'"),
        ("routes:\n  \"12066418000\":\n    recipients: [a@b.c]\n", "unknown field 'routes.12066418000.recipients'"),
        ("routes:\n  \"12066418000\":\n    to: []\n", "must list at least one address"),
        ("routes:\n  \"12066418000\":\n    to: [not-an-address]\n", "route 12066418000"),
        ("- just\n- a list\n", "must be a mapping"),
        ("port: [1, 2\n", "not valid YAML"),
    ])
    func badFile(yaml: String, expected: String) throws {
        _ = try withConfigFile(yaml) { path in
            #expect {
                _ = try RelaySettings.load(environment: ["SMSRELAY_CONFIG": path])
            } throws: { error in
                "\(error)".contains(expected)
            }
        }
    }

    @Test("a missing config file is a clear error")
    func missingFile() {
        #expect {
            _ = try RelaySettings.load(environment: ["SMSRELAY_CONFIG": "/nonexistent/relay.yaml"])
        } throws: { error in
            "\(error)".contains("cannot read config file /nonexistent/relay.yaml")
        }
    }
}

@Suite("Webhook token")
struct WebhookTokenTests {
    @Test("is generated once, stored owner-only, and reused")
    func generated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try WebhookToken.resolve(configured: nil, dataDirectory: dir)
        #expect(first.generated)
        #expect(first.token.count == 64 && WebhookToken.isAcceptable(first.token))
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("webhook-token").path)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        let second = try WebhookToken.resolve(configured: nil, dataDirectory: dir)
        #expect(second.token == first.token && !second.generated)
        let configured = try WebhookToken.resolve(configured: "configured-token-123456", dataDirectory: dir)
        #expect(configured.token == "configured-token-123456")
    }

    @Test("a damaged stored token is an error, not a silent new token")
    func damaged() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "short\n".write(to: dir.appendingPathComponent("webhook-token"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try WebhookToken.resolve(configured: nil, dataDirectory: dir) }
    }

    @Test("tokens must be URL-path safe and long enough", arguments: [
        ("abcdefghijklmnop", true), ("short", false), ("has/slash-0123456789", false), ("spaces are bad 12345", false),
        ("ünïcode-0123456789", false), ("A-Za-z0-9_-A-Za-z0-9", true),
    ])
    func acceptable(token: String, ok: Bool) {
        #expect(WebhookToken.isAcceptable(token) == ok)
    }
}

@Suite("Settings documentation")
struct SettingsDocumentationTests {
    @Test("SMSRELAY_RETRY_FOR takes a number and a unit, or seconds, and refuses the rest")
    func retryFor() throws {
        for (text, seconds) in [("5d", 432_000), ("12h", 43_200), ("90m", 5_400), ("3600s", 3_600), ("7200", 7_200)] {
            let settings = try RelaySettings.load(environment: ["SMSRELAY_RETRY_FOR": text])
            #expect(settings.retryFor == .seconds(seconds), "\(text)")
        }
        for text in ["5 days", "-1d", "30s", "61d", "d", "1.5h"] {
            #expect(throws: ConfigError.self, "\(text)") { try RelaySettings.load(environment: ["SMSRELAY_RETRY_FOR": text]) }
        }
        let capped = try RelaySettings.load(environment: ["SMSRELAY_MAX_ATTEMPTS": "12"])
        #expect(capped.maxAttempts == 12)
    }

    @Test("the README's configuration table lists every setting")
    func readmeListsEverySetting() throws {
        let readme = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        for key in SettingKey.all {
            // The flag column says what the command line takes: the flag, or — for none.
            let flag = key.hasFlag ? "`\(key.flagName)`" : "—"
            #expect(text.contains("| `\(key.environmentName)` | \(flag) |"), "\(key.environmentName) is missing from README.md, or its flag column is not \(flag)")
        }
    }
}
