import Foundation
import TestSupport
import Testing

/// The callback URL holds the secret token: printed when the token is generated, and on demand.
@Suite("The callback URL is shown once")
struct CallbackURLTests {
    @Test("serve prints the URL with the token only when it generates the token; its log shows it redacted")
    func printedOnlyWhenGenerated() async throws {
        try await withTemporaryDirectory { dir in
            let environment = ["SMSRELAY_DATA_DIR": dir.path]
            let first = try await ServeProcess(environment: environment)
            let token = try String(contentsOf: dir.appendingPathComponent("webhook-token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(first.printedCallbackURL == "http://127.0.0.1:\(first.port)/flowroute/\(token)")
            #expect(first.terminate() == 0)
            #expect(first.standardOutput.components(separatedBy: token).count == 2, "the URL is printed once: \(first.standardOutput)")
            #expect(!first.standardError.contains(token), "the log never holds the token")

            let second = try await ServeProcess(environment: environment)
            defer { _ = second.terminate() }
            #expect(second.printedCallbackURL == nil)
            #expect(!second.printed.contains(token), "\(second.printed)")
            try await eventually(timeout: .seconds(30), "the start-up log") { second.standardError.contains("callback_url=") }
            #expect(second.standardError.contains("http://127.0.0.1:\(second.port)/flowroute/\(token.prefix(4))…(redacted)"))
            #expect(!second.standardError.contains(token))
            #expect(try await second.post(IntakeTests.seed) == 200)
        }
    }

    @Test("`smsrelay callback-url` prints the URL with the token stored in the data folder")
    func storedToken() async throws {
        try await withTemporaryDirectory { dir in
            let token = "stored-token-0123456789abcdef"
            try Data((token + "\n").utf8).write(to: dir.appendingPathComponent("webhook-token"))
            let result = try await CommandRun([
                "callback-url", "--data-dir", dir.path, "--public-url", "https://relay.example.com/",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "https://relay.example.com/flowroute/\(token)\n")

            let local = try await CommandRun(["callback-url", "--data-dir", dir.path, "--port", "9090"])
            #expect(local.stdout == "http://127.0.0.1:9090/flowroute/\(token)\n")
        }
    }

    @Test("`smsrelay callback-url` prefers SMSRELAY_WEBHOOK_TOKEN, as serve does")
    func configuredToken() async throws {
        try await withTemporaryDirectory { dir in
            let result = try await CommandRun(
                ["callback-url", "--data-dir", dir.path], environment: ["SMSRELAY_WEBHOOK_TOKEN": testToken])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "http://127.0.0.1:8080/flowroute/\(testToken)\n")
        }
    }

    @Test("`smsrelay callback-url` without a token says how to get one, and generates none")
    func noToken() async throws {
        try await withTemporaryDirectory { dir in
            let result = try await CommandRun(["callback-url", "--data-dir", dir.path])
            #expect(result.status != 0)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("no webhook token yet"), "\(result.stderr)")
            #expect(result.stderr.contains("smsrelay serve"))
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("webhook-token").path))
        }
    }

    @Test("deleting the token file makes the next start generate and print a new token, with SMSRELAY_PUBLIC_URL in the URL")
    func regenerated() async throws {
        try await withTemporaryDirectory { dir in
            let environment = ["SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_PUBLIC_URL": "https://relay.example.com/"]
            let file = dir.appendingPathComponent("webhook-token")
            let first = try await ServeProcess(environment: environment)
            let old = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(first.printedCallbackURL == "https://relay.example.com/flowroute/\(old)")
            #expect(first.terminate() == 0)

            try FileManager.default.removeItem(at: file)
            let second = try await ServeProcess(environment: environment)
            defer { _ = second.terminate() }
            let new = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(new != old)
            #expect(WebhookTokenShape.isToken(new))
            #expect(second.printedCallbackURL == "https://relay.example.com/flowroute/\(new)")
            #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
            // The new URL reaches the relay.
            #expect(try await second.post(IntakeTests.seed) == 200)
        }
    }
}

/// What a generated token looks like: 64 lowercase hex digits.
enum WebhookTokenShape {
    static func isToken(_ text: String) -> Bool {
        text.count == 64 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
