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
