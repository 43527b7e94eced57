import Foundation
import MailKit
import Outbox
import SMSRelayApp
import SMSRelayCore
import TestSupport
import Testing

/// `smsrelay` run as a user runs it, one command at a time.
@Suite("smsrelay on the command line")
struct CommandLineTests {
    static let helpCommands: [[String]] = [
        ["--help"], ["-h"], ["help"],
        ["serve", "--help"], ["help", "serve"], ["callback-url", "--help"],
        ["lambda", "--help"],
        ["outbox", "--help"], ["outbox", "list", "--help"], ["outbox", "retry", "--help"],
        ["config", "--help"], ["config", "check", "--help"],
        ["reply", "--help"], ["help", "reply"], ["send-sms", "--help"], ["send-test", "--help"], ["help", "send-test"],
        ["admin-password", "--help"], ["help", "admin-password"],
    ]

    /// The subcommands a usage text lists under SUBCOMMANDS: the lines indented by two spaces
    /// (an abstract that wraps goes on under a deeper indent).
    static func subcommands(inUsage usage: String) -> [String] {
        let lines = usage.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
        return lines[(start + 1)...].prefix { $0.hasPrefix("  ") }
            .filter { !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    @Test("every command and subcommand the usage lists is among those whose --help is tested")
    func helpCoversEveryCommand() async throws {
        var commands: [[String]] = []
        var toVisit: [[String]] = [[]]
        while let command = toVisit.popLast(), command.count < 3 {
            let usage = try await CommandRun(command + ["--help"]).stdout
            #expect(usage.contains("USAGE: smsrelay\(command.map { " " + $0 }.joined())"), "\(command): \(usage)")
            for name in Self.subcommands(inUsage: usage) {
                commands.append(command + [name])
                toVisit.append(command + [name])
            }
        }
        #expect(commands.contains(["outbox", "retry"]) && commands.contains(["admin-password"]), "\(commands)")
        for command in commands {
            #expect(Self.helpCommands.contains(command + ["--help"]), "\(command.joined(separator: " ")) --help is not tested")
        }
    }

    @Test("--help of every command and subcommand prints its usage and exits 0", arguments: helpCommands)
    func help(arguments: [String]) async throws {
        let result = try await CommandRun(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        #expect(result.stdout.contains("USAGE: smsrelay"), "\(arguments): \(result.stdout)")
        #expect(!result.stdout.contains("CommandError") && !result.stderr.contains("CommandError"))
        #expect(!result.stderr.contains("Error"), "\(arguments): \(result.stderr)")
        let command = arguments.filter { !$0.hasPrefix("-") && $0 != "help" }
        if !command.isEmpty {
            #expect(result.stdout.contains("USAGE: smsrelay \(command.joined(separator: " "))"), "\(arguments): \(result.stdout)")
        }
    }

    @Test("serve and config check take a flag for every setting the README gives one, and none for the others")
    func flags() async throws {
        for command in [["serve", "--help"], ["config", "check", "--help"], ["send-test", "--help"]] {
            let help = try await CommandRun(command).stdout
            for key in SettingKey.all {
                #expect(help.contains(key.flagName + " ") == key.hasFlag, "\(command): \(key.flagName)")
            }
        }
        // A flag reaches the settings: a bad value is refused, naming the setting.
        let refused = try await CommandRun(["config", "check", "--smtp-idle-seconds", "0", "--transport", "smtp"], environment: ["SMSRELAY_SMTP_URL": "smtp://mail.example.org"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("SMSRELAY_SMTP_IDLE_SECONDS=0 is not valid"), "\(refused.stderr)")
    }

    @Test("the runner's SMSRELAY_*, AWS_* and systemd variables never reach a program the tests start")
    func runnerSettingsDoNotLeak() async throws {
        let runner = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "SMSRELAY_TRANSPORT": "pigeon", "SMSRELAY_PORT": "1", "SMSRELAY_WEBHOOK_TOKEN": "runner-token-0123456789abcdef",
            "AWS_REGION": "eu-north-1", "AWS_ACCESS_KEY_ID": "AKIDRUNNER", "CREDENTIALS_DIRECTORY": "/nonexistent/credentials",
            "NOTIFY_SOCKET": "/nonexistent/notify",
        ]
        let environment = ChildEnvironment.make(["SMSRELAY_MAIL_TO": "test@example.com"], base: runner)
        #expect(environment == ["PATH": runner["PATH"]!, "SMSRELAY_MAIL_TO": "test@example.com"])
        try await withTemporaryDirectory { dir in
            let run = try await ProcessRun(
                try ServeProcess.executable, ["config", "check", "--data-dir", dir.path], environment: environment, timeout: .seconds(60))
            let stdout = String(decoding: run.stdout, as: UTF8.self)
            #expect(run.status == 0, "\(String(decoding: run.stderr, as: UTF8.self))")
            #expect(stdout.contains("listen          127.0.0.1:8080"), "\(stdout)")
            #expect(stdout.contains("transport       maildir"), "\(stdout)")
            #expect(stdout.contains("default route   to test@example.com"), "\(stdout)")
            #expect(stdout.contains("webhook token   stored in the data folder"), "\(stdout)")
        }
    }

    @Test("lambda outside Lambda says the Runtime API is missing, in one line, exit 64")
    func lambdaWithoutRuntimeAPI() async throws {
        let result = try await CommandRun(["lambda"])
        #expect(result.status == 64)
        #expect(result.stderr == "Error: AWS_LAMBDA_RUNTIME_API is not set: `smsrelay lambda` runs inside AWS Lambda or its emulator\n", "\(result.stderr)")
    }

    @Test("--version prints the version and exits 0")
    func version() async throws {
        let result = try await CommandRun(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == SMSRelayVersion.current)
    }

    @Test("an unknown option is an error with the usage, exit 64")
    func unknownOption() async throws {
        let result = try await CommandRun(["serve", "--no-such-option"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Error: Unknown option '--no-such-option'"), "\(result.stderr)")
    }

    @Test("outbox list shows the recipients a server refused on a delivered message")
    func refusedRecipientsListed() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("outbox.sqlite").path)
            let message = InboundMessage(
                carrier: "flowroute", id: "mdr2-refused", from: "18553569768", to: "12066418000",
                body: "hello", receivedAt: Date(timeIntervalSince1970: 1_800_000_000))
            let id = try await store.enqueue(message, now: Date()).id
            try await store.markSent(
                id: id,
                receipt: SentReceipt(transportMessageID: "Q1", rejectedRecipients: [
                    "gone@example.com": "550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown",
                ]),
                now: Date())

            let result = try await CommandRun(["outbox", "list", "--data-dir", dir.path])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            let row = try #require(lines.firstIndex { $0.contains("mdr2-refused") }, "\(result.stdout)")
            #expect(lines[row].contains("sent"))
            #expect(lines.dropFirst(row + 1).first?.trimmingCharacters(in: .whitespaces)
                == "refused gone@example.com: 550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown")
        }
    }
}

/// One run of the `smsrelay` executable with a clean environment (the runner's `SMSRELAY_*`
/// variables never reach it), bounded in time.
struct CommandRun {
    var status: Int32
    var stdout: String
    var stderr: String

    init(_ arguments: [String], environment: [String: String] = [:], input: Data? = nil, timeout: Duration = .seconds(60)) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("smsrelay-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await ProcessRun(
            try ServeProcess.executable, arguments,
            environment: ChildEnvironment.make(environment),
            directory: folder,
            input: input,
            timeout: timeout)
        status = result.status
        stdout = String(decoding: result.stdout, as: UTF8.self)
        stderr = String(decoding: result.stderr, as: UTF8.self)
    }
}
