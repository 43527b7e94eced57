import Foundation
import TestSupport
import Testing

/// `smsrelay config check` and `smsrelay serve` as processes: for settings a start refuses, both
/// exit with the same one-line error; nothing is created by the check.
@Suite("config check and serve refuse the same settings")
struct ConfigCheckProcessTests {
    static let refused: [[String: String]] = [
        ["SMSRELAY_TRANSPORT": "smtp", "SMSRELAY_SMTP_URL": "smtp://user:hunter2@mail.example.org:99999"],
        ["SMSRELAY_TRANSPORT": "ses", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"],
    ]

    @Test("a bad SMTP URL and SES without credentials: the same error from both, the password never shown", arguments: refused)
    func sameRefusal(_ environment: [String: String]) async throws {
        try await withTemporaryDirectory { dir in
            let settings = environment.merging(["SMSRELAY_DATA_DIR": dir.appendingPathComponent("data").path, "SMSRELAY_PORT": "0"]) { $1 }
            let check = try await CommandRun(["config", "check"], environment: settings)
            let serve = try await CommandRun(["serve"], environment: settings)
            #expect(check.status != 0)
            #expect(serve.status == check.status)
            #expect(check.stderr.hasPrefix("Error: SMSRELAY_TRANSPORT is "), "\(check.stderr)")
            #expect(check.stderr == serve.stderr.split(separator: "\n").filter { $0.hasPrefix("Error: ") }.joined(separator: "\n") + "\n")
            #expect(!check.stderr.contains("hunter2") && !serve.stderr.contains("hunter2"))
            #expect(check.stdout.isEmpty)
        }
    }

    @Test("a valid configuration passes with exit 0, shows its routes and hides the password, and creates nothing")
    func passes() async throws {
        try await withTemporaryDirectory { dir in
            let config = dir.appendingPathComponent("relay.yaml")
            try Data("""
                mail_from: sms@example.org
                mail_to: [me@example.com]
                routes:
                  "12066418000":
                    to: [alice@example.com, "Bob Example <bob@example.com>"]
                    from: alice-sms@example.com
                """.utf8).write(to: config)
            let data = dir.appendingPathComponent("data")
            let check = try await CommandRun(
                ["config", "check", "--config", config.path, "--data-dir", data.path, "--max-attempts", "7"],
                environment: ["SMSRELAY_TRANSPORT": "smtp", "SMSRELAY_SMTP_URL": "smtp://me:hunter2@mail.example.org"])
            #expect(check.status == 0, "\(check.stderr)")
            #expect(check.stdout.hasPrefix("Configuration is valid.\n"), "\(check.stdout)")
            #expect(check.stdout.contains("config file     \(config.path)"))
            #expect(check.stdout.contains("smtp → smtp://me:***@mail.example.org:587?tls=required"), "\(check.stdout)")
            #expect(check.stdout.contains("retries         transient failures for 5d, at most 7 attempts"), "\(check.stdout)")
            #expect(check.stdout.contains("route 12066418000   to alice@example.com, Bob Example <bob@example.com> from alice-sms@example.com"), "\(check.stdout)")
            #expect(!check.stdout.contains("hunter2") && !check.stderr.contains("hunter2"))
            #expect(check.stderr.isEmpty, "\(check.stderr)")
            #expect(!FileManager.default.fileExists(atPath: data.path), "a check creates no data folder")
        }
    }

    /// A refusal `config check` and `serve` must both give: the settings, then what the one-line
    /// error must say. Files named `{dir}/…` are written by the test first.
    struct Refusal: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String] = []
        var environment: [String: String] = [:]
        var files: [String: String] = [:]
        var says: [String]
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(
            name: "a value out of range, as a flag", arguments: ["--max-body-bytes", "10"],
            says: ["SMSRELAY_MAX_BODY_BYTES (--max-body-bytes, or 'max_body_bytes' in the config file) is '10'; expected a whole number from 256 to 10485760"]),
        Refusal(
            name: "a value that is not a number, from the environment", environment: ["SMSRELAY_DELIVERY_CONCURRENCY": "four"],
            says: ["SMSRELAY_DELIVERY_CONCURRENCY (--delivery-concurrency, or 'delivery_concurrency' in the config file) is 'four'; expected a whole number from 1 to 64"]),
        Refusal(
            name: "an unknown transport", environment: ["SMSRELAY_TRANSPORT": "pigeon"],
            says: ["SMSRELAY_TRANSPORT"]),
        Refusal(
            name: "a config file that does not exist", environment: ["SMSRELAY_CONFIG": "{dir}/missing.yaml"],
            says: ["cannot read config file {dir}/missing.yaml"]),
        Refusal(
            name: "a config file with an unknown setting", environment: ["SMSRELAY_CONFIG": "{dir}/relay.yaml"],
            files: ["relay.yaml": "mail_too: me@example.com\n"],
            says: ["config file {dir}/relay.yaml: unknown setting 'mail_too'"]),
        Refusal(
            name: "a route that is not a phone number", environment: ["SMSRELAY_CONFIG": "{dir}/relay.yaml"],
            files: ["relay.yaml": "routes:\n  office:\n    to: me@example.com\n"],
            says: ["config file {dir}/relay.yaml: route key 'office' is not a phone number"]),
        Refusal(
            name: "a template with a Mustache error, with its file and line", environment: ["SMSRELAY_HTML_TEMPLATE": "{dir}/page.mustache"],
            files: ["page.mustache": "<p>{{body}}</p>\n<p>{{#media}}{{name}}</p>\n"],
            says: ["template '{dir}/page.mustache' is not valid Mustache", "at line "]),
        Refusal(
            name: "a template file that does not exist", environment: ["SMSRELAY_TEXT_TEMPLATE": "{dir}/none.mustache"],
            says: ["template file '{dir}/none.mustache' does not exist"]),
        Refusal(
            name: "a bad SMTP URL, its password hidden",
            environment: ["SMSRELAY_TRANSPORT": "smtp", "SMSRELAY_SMTP_URL": "smtp://user:hunter2@mail.example.org:99999"],
            says: ["SMSRELAY_SMTP_URL"]),
        Refusal(
            name: "SES without credentials",
            environment: ["SMSRELAY_TRANSPORT": "ses", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"],
            says: ["SMSRELAY_TRANSPORT is ses: SES needs AWS credentials"]),
    ]

    @Test("each kind of refusal: exit 64, one line naming what to change, nothing created, and serve refuses it alike", arguments: refusals)
    func refusal(_ refusal: Refusal) async throws {
        try await withTemporaryDirectory { dir in
            func placed(_ text: String) -> String { text.replacingOccurrences(of: "{dir}", with: dir.path) }
            for (name, text) in refusal.files {
                try Data(text.utf8).write(to: dir.appendingPathComponent(name))
            }
            let data = dir.appendingPathComponent("data")
            let environment = refusal.environment.mapValues(placed).merging(["SMSRELAY_DATA_DIR": data.path]) { $1 }
            let check = try await CommandRun(["config", "check"] + refusal.arguments, environment: environment)
            #expect(check.status == 64, "\(check.stderr)")
            #expect(check.stdout.isEmpty, "\(check.stdout)")
            let lines = check.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("Error: "), "\(check.stderr)")
            for words in refusal.says.map(placed) {
                #expect(check.stderr.contains(words), "\(check.stderr)")
            }
            #expect(!check.stderr.contains("hunter2"))
            #expect(!FileManager.default.fileExists(atPath: data.path), "a refused check creates nothing")

            let serve = try await CommandRun(["serve", "--port", "0"] + refusal.arguments, environment: environment)
            #expect(serve.status == check.status)
            #expect(serve.stderr.split(separator: "\n").filter { $0.hasPrefix("Error: ") } == lines, "\(serve.stderr)")
            #expect(!serve.stdout.contains("listening on"))
        }
    }

    @Test("config check --mode lambda refuses SES without credentials, with the Lambda default transport")
    func lambdaMode() async throws {
        let check = try await CommandRun(["config", "check", "--mode", "lambda"], environment: ["AWS_REGION": "us-east-1"])
        #expect(check.status != 0)
        #expect(check.stderr.contains("SMSRELAY_TRANSPORT is ses: SES needs AWS credentials"), "\(check.stderr)")
        let valid = try await CommandRun(
            ["config", "check", "--mode", "lambda"],
            environment: ["AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-example"])
        #expect(valid.status == 0, "\(valid.stderr)")
        #expect(valid.stdout.hasPrefix("Configuration is valid for Lambda."))
        #expect(!valid.stdout.contains("secret-example"))
    }
}
