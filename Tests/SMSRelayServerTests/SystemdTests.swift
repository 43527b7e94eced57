import Foundation
import SMSRelayApp
import TestSupport
import Testing

/// `packaging/smsrelay.service`, checked offline by systemd's own tools (no systemd needs to run),
/// and what the relay does for it: secrets from `$CREDENTIALS_DIRECTORY`, readiness on `$NOTIFY_SOCKET`.
@Suite("systemd: the unit, its credentials and readiness")
struct SystemdTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let unit = root.appendingPathComponent("packaging/smsrelay.service")

    /// `systemd-analyze`, found on the PATH (the test command installs the `systemd` package for it).
    static func systemdAnalyze() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin"]
        guard let found = folders.map({ URL(fileURLWithPath: $0).appendingPathComponent("systemd-analyze") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
        else {
            throw TestFailure("systemd-analyze not found: install the systemd package (./scripts/test.sh does)")
        }
        return found
    }

    /// The unit as installed, in `dir`, with ExecStart= naming the built binary (verify checks that it exists).
    static func installedUnit(in dir: URL) throws -> URL {
        let text = try String(contentsOf: unit, encoding: .utf8)
        #expect(text.contains("ExecStart=/usr/local/bin/smsrelay serve\n"))
        let copy = dir.appendingPathComponent("smsrelay.service")
        try Data(text.replacingOccurrences(of: "/usr/local/bin/smsrelay", with: try ServeProcess.executable.path).utf8).write(to: copy)
        return copy
    }

    /// The values of `key=` in the unit, in order.
    static func values(_ key: String) throws -> [String] {
        try String(contentsOf: unit, encoding: .utf8).split(separator: "\n")
            .filter { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }

    @Test("systemd-analyze verify finds nothing wrong with the unit")
    func verify() async throws {
        try await withTemporaryDirectory { dir in
            let run = try await ProcessRun(try Self.systemdAnalyze(), ["verify", try Self.installedUnit(in: dir).path], timeout: .seconds(60))
            let errors = String(decoding: run.stderr, as: UTF8.self)
            #expect(run.status == 0, "\(errors)")
            #expect(!errors.contains("smsrelay.service"), "warnings about the unit: \(errors)")
        }
    }

    @Test("systemd-analyze security rates the unit's exposure at 2.0 or less")
    func security() async throws {
        try await withTemporaryDirectory { dir in
            let run = try await ProcessRun(
                try Self.systemdAnalyze(), ["security", "--offline=true", "--threshold=20", try Self.installedUnit(in: dir).path],
                timeout: .seconds(60))
            let report = String(decoding: run.stdout, as: UTF8.self)
            #expect(run.status == 0, "over the threshold, or refused: \(report)\(String(decoding: run.stderr, as: UTF8.self))")
            let line = try #require(report.split(separator: "\n").first { $0.contains("Overall exposure level for smsrelay.service:") }, "\(report)")
            let number = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
            let exposure = try #require(number, "\(line)")
            #expect(exposure <= 2.0, "\(report)")
        }
    }

    @Test("the unit gives the relay longer to stop than its graceful stop takes, and loads exactly the credentials the relay reads")
    func unitMatchesTheRelay() throws {
        let timeout = try #require(try Self.values("TimeoutStopSec").first)
        let seconds = try #require(Int(timeout.replacingOccurrences(of: "s", with: "")), "\(timeout)")
        #expect(.seconds(seconds) >= ServeApp.maximumShutdownDuration + .seconds(5))
        #expect(try Self.values("Type") == ["notify"])
        let loaded = try Self.values("LoadCredential").map { String($0.split(separator: ":")[0]) }
        #expect(Set(loaded) == Set(SettingKey.all.compactMap(\.credentialName)), "\(loaded)")
        #expect(loaded.count == Set(loaded).count)
        for line in try Self.values("LoadCredential") {
            let parts = line.split(separator: ":")
            #expect(parts.count == 2 && parts[1] == "smsrelay.\(parts[0])", "a name in the credential store, so that a missing one is skipped: \(line)")
        }
    }

    /// Starts a program under the unit's seccomp filters (`Tests/TestSupport/seccomp_exec.py`).
    static var sandbox: [String] {
        ["/usr/bin/python3", root.appendingPathComponent("Tests/TestSupport/seccomp_exec.py").path, "--unit", unit.path, "--"]
    }

    @Test("the sandbox the tests run the relay in refuses what the unit forbids")
    func sandboxHolds() async throws {
        let run = try await ProcessRun(
            URL(fileURLWithPath: Self.sandbox[0]), Array(Self.sandbox.dropFirst().dropLast()) + ["--self-test"], timeout: .seconds(60))
        let lines = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(run.status == 0, "is python3-seccomp installed? \(String(decoding: run.stderr, as: UTF8.self))")
        #expect(lines == [
            "refused mmap of writable and executable memory", "refused an AF_NETLINK socket", "refused chown (@privileged)",
            "refused setpriority (@resources)", "ALLOWED an AF_INET socket",
        ])
    }

    @Test("under the unit's system call filter, MemoryDenyWriteExecute and RestrictAddressFamilies, serve takes a callback, delivers it and stops on SIGTERM")
    func serveSandboxed() async throws {
        try await withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data")
            let server = try await ServeProcess(
                environment: ["SMSRELAY_DATA_DIR": data.path, "SMSRELAY_WEBHOOK_TOKEN": testToken], launcher: Self.sandbox)
            defer { server.kill() }
            #expect(try await server.post(IntakeTests.seed) == 200)
            try await eventually("the maildir delivery") { try !maildirMessages(data.appendingPathComponent("mail")).isEmpty }
            #expect(try maildirMessages(data.appendingPathComponent("mail")).first?.contains("Hello there from Flowroute!") == true)
            #expect(server.terminate() == 0, "\(server.standardError)")
            #expect(!server.standardError.contains("error"), "\(server.standardError)")
        }
    }

    @Test("under the same filters, send-test speaks STARTTLS and AUTH to aiosmtpd")
    func sendTestSandboxed() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        let arguments = [
            "--tls-cert", certificate.certificatePath, "--tls-key", certificate.keyPath, "--require-starttls",
            "--auth-user", "relay", "--auth-password", "sandboxed",
        ]
        try await SMTPTestServer.with(arguments) { smtp in
            try await withTemporaryDirectory { dir in
                let password = dir.appendingPathComponent("smtp-password")
                try Data("sandboxed".utf8).write(to: password)
                let environment = ChildEnvironment.make([
                    "SMSRELAY_SMTP_URL": "smtp://relay@localhost:\(smtp.port)", "SMSRELAY_SMTP_PASSWORD_FILE": password.path,
                    "SMSRELAY_SMTP_CA_FILE": certificate.certificatePath, "SMSRELAY_TRANSPORT": "smtp",
                    "SMSRELAY_DATA_DIR": dir.path,
                ])
                let run = try await ProcessRun(
                    URL(fileURLWithPath: Self.sandbox[0]), Array(Self.sandbox.dropFirst()) + [try ServeProcess.executable.path, "send-test"],
                    environment: environment, timeout: .seconds(60))
                #expect(run.status == 0, "\(String(decoding: run.stderr, as: UTF8.self))")
                #expect(String(decoding: run.stdout, as: UTF8.self).contains("answer       250 "))
                #expect(try smtp.messages().count == 1)
            }
        }
    }

    @Test("the webhook token from $CREDENTIALS_DIRECTORY: callbacks with it are taken, nothing is generated, and it is never printed or logged")
    func webhookTokenCredential() async throws {
        try await withTemporaryDirectory { dir in
            let credentials = dir.appendingPathComponent("credentials")
            try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
            let token = "cred-token-\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
            try Data("\(token)\n".utf8).write(to: credentials.appendingPathComponent("webhook-token"))
            let data = dir.appendingPathComponent("data")
            let environment = [
                "SMSRELAY_DATA_DIR": data.path, "CREDENTIALS_DIRECTORY": credentials.path, "SMSRELAY_LOG_LEVEL": "debug",
            ]
            let server = try await ServeProcess(environment: environment)
            defer { server.kill() }
            #expect(server.printedCallbackURL == nil, "a token not generated is not printed: \(server.printed)")
            #expect(server.callbackURL.hasSuffix("/flowroute/\(token)"))
            #expect(try await server.post(IntakeTests.seed) == 200)
            #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("webhook-token").path))

            let check = try await CommandRun(["config", "check"], environment: environment)
            #expect(check.status == 0, "\(check.stderr)")
            #expect(check.stdout.contains("  credentials     webhook-token (systemd's, in CREDENTIALS_DIRECTORY)"), "\(check.stdout)")
            #expect(check.stdout.contains("  webhook token   set (hidden)"))
            let url = try await CommandRun(["callback-url", "--port", "8080"], environment: environment)
            #expect(url.stdout == "http://127.0.0.1:8080/flowroute/\(token)\n", "asked for, it is shown: \(url.stdout)\(url.stderr)")

            // The environment wins over the credential.
            let other = "env-token-0123456789abcdef"
            let overridden = try await CommandRun(
                ["callback-url"], environment: environment.merging(["SMSRELAY_WEBHOOK_TOKEN": other]) { $1 })
            #expect(overridden.stdout.hasSuffix("/flowroute/\(other)\n"), "\(overridden.stdout)")

            #expect(server.terminate() == 0)
            #expect(!server.printed.contains(token) && !server.standardError.contains(token), "\(server.standardError)")
        }
    }

    @Test("a credential that is not usable stops the start with a message naming it, never its value")
    func unusableCredential() async throws {
        try await withTemporaryDirectory { dir in
            try Data("short\n".utf8).write(to: dir.appendingPathComponent("webhook-token"))
            try Data("\n".utf8).write(to: dir.appendingPathComponent("reply-secret"))
            let short = try await CommandRun(["config", "check", "--data-dir", dir.path], environment: ["CREDENTIALS_DIRECTORY": dir.path])
            #expect(short.status == 64)
            #expect(short.stderr.contains("the credential reply-secret in \(dir.path)/reply-secret (CREDENTIALS_DIRECTORY) is empty"), "\(short.stderr)")
            try FileManager.default.removeItem(at: dir.appendingPathComponent("reply-secret"))
            let invalid = try await CommandRun(["config", "check", "--data-dir", dir.path], environment: ["CREDENTIALS_DIRECTORY": dir.path])
            #expect(invalid.status == 64)
            #expect(invalid.stderr.contains("or the credential webhook-token) is <redacted>"), "\(invalid.stderr)")
            #expect(!invalid.stderr.contains("short"))
        }
    }

    @Test("serve tells $NOTIFY_SOCKET READY=1 once it listens and STOPPING=1 at SIGTERM, then exits 0 in time")
    func readiness() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket(dir.appendingPathComponent("notify").path)
            let server = try await ServeProcess(environment: [
                "SMSRELAY_DATA_DIR": dir.appendingPathComponent("data").path, "SMSRELAY_WEBHOOK_TOKEN": testToken,
                "NOTIFY_SOCKET": socket.name, "SMSRELAY_LOG_LEVEL": "debug",
            ])
            defer { server.kill() }
            let ready = try #require(try await socket.receive(), "no READY=1: \(server.standardError)")
            #expect(ready.split(separator: "\n").contains("READY=1"), "\(ready)")
            #expect(ready.contains("STATUS=Listening on 127.0.0.1:\(server.port), delivering by maildir"), "\(ready)")
            #expect(try await socket.receive(timeout: .milliseconds(200)) == nil, "nothing more while it runs")

            #expect(server.terminate() == 0, "\(server.standardError)")
            #expect(!server.standardError.contains(ShutdownTests.cancelledStop), "the stop ran out of its \(ServeApp.maximumShutdownDuration)")
            let stopping = try #require(try await socket.receive(timeout: .seconds(1)), "no STOPPING=1")
            #expect(stopping.split(separator: "\n").first == "STOPPING=1", "\(stopping)")
        }
    }

    @Test("the notifier reaches a socket in the abstract namespace (@name), and does nothing without NOTIFY_SOCKET")
    func abstractSocket() async throws {
        let socket = try NotifySocket("@smsrelay-test-\(UUID().uuidString)")
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name]))
        #expect(notifier.notify(["READY=1", "STATUS=ok"]))
        #expect(try await socket.receive() == "READY=1\nSTATUS=ok")
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/path"]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)]) == nil)
    }
}
