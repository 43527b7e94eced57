import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private Postfix (with Dovecot for SASL AUTH) on 127.0.0.1, run by `postfix_server.py`: a
/// real MTA for the SMTP transport's tests. STARTTLS with a certificate for `localhost` and
/// 127.0.0.1 signed by ``caFile``, AUTH PLAIN/LOGIN after STARTTLS, strict SMTP (FQDN HELO,
/// no unauthenticated pipelining, no bare LF), and one Maildir per `--mailbox` address; any
/// other address in example.com or example.org is refused with 550 at RCPT.
///
/// Needs root and the packages postfix and dovecot-core (`scripts/test.sh` installs them).
/// Use ``with(_:_:)`` so the server is stopped whatever the test does, or ``shared(_:)`` for
/// one instance per test process (stopped when the process exits).
///
/// Nothing is left running: the script stops Postfix and Dovecot on SIGTERM, and also when this
/// process dies (it has a parent-death signal and polls `getppid()`), then removes its folder.
public final class PostfixTestServer: Sendable {
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("postfix_server.py")

    /// The script's defaults for `--auth-user` and `--auth-password`.
    public static let defaultUser = "relay@example.org"
    public static let defaultPassword = "s3cret pass"
    /// The script's default `--mailbox`.
    public static let defaultMailbox = "inbox@example.com"

    /// The smtpd port on 127.0.0.1.
    public let port: Int
    /// The server's folder (removed when it stops): `maillog`, `mail/<address>/`, `ca.pem`, ….
    public let directory: URL
    /// The SASL user and password, or `nil` with `--no-auth`.
    public let authUser: String?
    public let authPassword: String?

    private let process: ChildProcess
    /// Our own folder with the script's stdout and stderr.
    private let outputDirectory: URL

    /// The PEM certificate of the CA that signed the server's certificate.
    public var caFile: URL { directory.appendingPathComponent("ca.pem") }
    /// Postfix's `maillog_file`.
    public var logFile: URL { directory.appendingPathComponent("maillog") }

    private init(process: ChildProcess, port: Int, directory: URL, outputDirectory: URL, arguments: [String]) {
        self.process = process
        self.port = port
        self.directory = directory
        self.outputDirectory = outputDirectory
        if arguments.contains("--no-auth") {
            authUser = nil
            authPassword = nil
        } else {
            authUser = Self.value(of: "--auth-user", in: arguments) ?? Self.defaultUser
            authPassword = Self.value(of: "--auth-password", in: arguments) ?? Self.defaultPassword
        }
    }

    private static func value(of option: String, in arguments: [String]) -> String? {
        guard let index = arguments.lastIndex(of: option), arguments.indices.contains(index + 1) else { return nil }
        return arguments[index + 1]
    }

    /// Starts the server with `arguments` (see `postfix_server.py --help`: `--mailbox ADDRESS`
    /// (repeatable), `--tls may|encrypt`, `--auth-user`, `--auth-password`, `--no-auth`) and
    /// waits until smtpd has greeted with 220 (up to 90 s; a start takes about 3 s).
    public static func start(_ arguments: [String] = []) async throws -> PostfixTestServer {
        for tool in ["postfix", "postconf"] + (arguments.contains("--no-auth") ? [] : ["dovecot"]) where !isInstalled(tool) {
            throw TestFailure("\(tool) is not installed: install postfix and dovecot-core (scripts/test.sh does)")
        }
        let outputDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("postfix-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        let stdout = outputDirectory.appendingPathComponent("stdout")
        let stderr = outputDirectory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)

        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", script.path,
            "--parent-pid", String(ProcessInfo.processInfo.processIdentifier),
            "--start-timeout", "80",
        ] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()

        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            let printed = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
            if let line = printed.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }) {
                let fields = line.split(separator: " ", maxSplits: 2)
                if fields.count == 3, let port = Int(fields[1]) {
                    return PostfixTestServer(
                        process: process, port: port, directory: URL(fileURLWithPath: String(fields[2])),
                        outputDirectory: outputDirectory, arguments: arguments
                    )
                }
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let errors = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: outputDirectory)
        if errors.contains("is not installed") {
            throw TestFailure("postfix_server.py did not start: install postfix and dovecot-core (scripts/test.sh does): \(errors)")
        }
        throw TestFailure("postfix_server.py did not start (exit \(process.terminationStatus)): \(errors)")
    }

    /// Runs `body` with a started server, and stops the server afterwards.
    public static func with<T>(_ arguments: [String] = [], _ body: (PostfixTestServer) async throws -> T) async throws -> T {
        try await using(try await start(arguments), stop: { await $0.stop() }, body)
    }

    /// One server per distinct `arguments` for the whole test process, started on first use and
    /// stopped when the process exits. Tests sharing it run concurrently: give each test its own
    /// `--mailbox`, or find your message by something unique in it.
    public static func shared(_ arguments: [String] = []) async throws -> PostfixTestServer {
        try await SharedPostfixServers.instance.server(for: arguments)
    }

    /// The messages delivered to `address` so far: every file in its Maildir's `new/` and `cur/`,
    /// oldest first. Empty if nothing arrived (or `address` has no Maildir).
    public func deliveredMessages(to address: String) -> [Data] {
        let mailbox = directory.appendingPathComponent("mail").appendingPathComponent(address.lowercased())
        var files: [(date: Date, name: String, url: URL)] = []
        for folder in ["new", "cur"] {
            let url = mailbox.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            for name in names {
                let file = url.appendingPathComponent(name)
                let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
                guard attributes?[.type] as? FileAttributeType == .typeRegular else { continue }
                files.append((attributes?[.modificationDate] as? Date ?? .distantPast, name, file))
            }
        }
        return files
            .sorted { ($0.date, $0.name) < ($1.date, $1.name) }
            .compactMap { try? Data(contentsOf: $0.url) }
    }

    /// Waits until at least `count` messages were delivered to `address`, and returns them all.
    /// Throws with the end of the mail log if they do not arrive within `timeout`.
    @discardableResult
    public func waitForDelivery(count: Int = 1, to address: String, timeout: Duration = .seconds(20)) async throws -> [Data] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let messages = deliveredMessages(to: address)
            if messages.count >= count { return messages }
            if ContinuousClock.now >= deadline {
                let tail = log().split(separator: "\n", omittingEmptySubsequences: false).suffix(30).joined(separator: "\n")
                throw TestFailure("\(messages.count) of \(count) messages delivered to \(address) after \(timeout); maillog ends:\n\(tail)")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Postfix's log so far (`maillog_file`).
    public func log() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// The lines of ``log()`` that contain `warning:`, `error:`, `fatal:` or `panic:`.
    public func problems() -> [String] {
        log().split(separator: "\n").map(String.init).filter { line in
            ["warning:", "error:", "fatal:", "panic:"].contains { line.contains($0) }
        }
    }

    /// Stops the script, which stops Postfix and Dovecot and removes ``directory``; waits up to
    /// 15 s, then kills what is left.
    public func stop() async {
        if process.isRunning {
            process.terminate()
        }
        let deadline = ContinuousClock.now + .seconds(15)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            Self.forceStop(scriptProcess: process.processIdentifier, directory: directory)
        }
        try? FileManager.default.removeItem(at: outputDirectory)
    }

    /// The last resort: SIGKILL to the script and to Postfix's master and its daemons (the script
    /// would have stopped them; Dovecot dies with the script through its parent-death signal).
    static func forceStop(scriptProcess pid: pid_t, directory: URL) {
        let masterPID = directory.appendingPathComponent("spool/pid/master.pid")
        if let text = try? String(contentsOf: masterPID, encoding: .utf8),
           let master = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), master > 1 {
            _ = kill(-master, SIGKILL)
        }
        _ = kill(pid, SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Whether `tool` is on `PATH` or in the usual system folders (postfix lives in /usr/sbin).
    static func isInstalled(_ tool: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin"]
        return folders.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }
}

/// The servers ``PostfixTestServer/shared(_:)`` hands out, and their shutdown at process exit.
actor SharedPostfixServers {
    static let instance = SharedPostfixServers()

    private var starting: [[String]: Task<PostfixTestServer, any Error>] = [:]

    func server(for arguments: [String]) async throws -> PostfixTestServer {
        if let task = starting[arguments] {
            return try await task.value
        }
        let task = Task { try await PostfixTestServer.start(arguments) }
        starting[arguments] = task
        do {
            let server = try await task.value
            ExitHook.register(server)
            return server
        } catch {
            starting[arguments] = nil  // let a later test try again
            throw error
        }
    }
}

/// Stops the shared servers when the test process exits (atexit). If the process dies without
/// running atexit handlers, the scripts notice on their own (parent-death signal, getppid poll).
private enum ExitHook {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var servers: [(pid: pid_t, directory: URL, output: URL)] = []
    nonisolated(unsafe) private static var installed = false

    static func register(_ server: PostfixTestServer) {
        lock.lock()
        defer { lock.unlock() }
        servers.append((server.scriptProcessID, server.directory, server.outputFolder))
        if !installed {
            installed = true
            atexit { ExitHook.stopAll() }
        }
    }

    /// SIGTERM to every script, then waits (up to 15 s) for each to finish its shutdown, and
    /// removes the folders with their output.
    static func stopAll() {
        lock.lock()
        let all = servers
        servers = []
        lock.unlock()
        for server in all {
            _ = kill(server.pid, SIGTERM)
        }
        let deadline = ContinuousClock.now + .seconds(15)
        var remaining = all
        while !remaining.isEmpty, ContinuousClock.now < deadline {
            remaining.removeAll { hasExited($0.pid) }
            if !remaining.isEmpty { usleep(20_000) }
        }
        for server in remaining {
            PostfixTestServer.forceStop(scriptProcess: server.pid, directory: server.directory)
        }
        for server in all {
            try? FileManager.default.removeItem(at: server.output)
        }
    }

    /// Gone, or a zombie (exited, not yet reaped: Foundation reaps its children, not us).
    private static func hasExited(_ pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 { return errno == ESRCH }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: end)...].split(separator: " ").first == "Z"
    }
}

extension PostfixTestServer {
    var scriptProcessID: pid_t { process.processIdentifier }
    var outputFolder: URL { outputDirectory }
}
