import AsyncHTTPClient
import Foundation
import TestSupport
import NIOCore

/// The built `smsrelay` executable, run as a user runs it: `smsrelay serve` in a child process.
final class ServeProcess: @unchecked Sendable {
    let process = ChildProcess()
    /// Standard output goes to a file, read by polling: a silent child cannot block the test.
    private let outputFile: URL
    private let errorFile: URL
    /// The callback URL with the token the server uses, on the port it listens on.
    private(set) var callbackURL = ""
    private(set) var port = 0
    /// The callback URL as `serve` printed it on standard output, if it printed one.
    private(set) var printedCallbackURL: String?
    /// What `serve` printed on standard output by the time it listened.
    private(set) var printed = ""

    /// The `smsrelay` binary beside the test bundle (both live in the build's products folder),
    /// or the one `SMSRELAY_TEST_EXECUTABLE` names (to run these tests against another build).
    static var executable: URL {
        get throws {
            var candidates = [
                URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("smsrelay")
            ]
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            candidates.append(root.appendingPathComponent(".build/debug/smsrelay"))
            if let chosen = ProcessInfo.processInfo.environment["SMSRELAY_TEST_EXECUTABLE"], !chosen.isEmpty {
                candidates = [URL(fileURLWithPath: chosen)]
            }
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw TestFailure("smsrelay executable not found in \(candidates.map(\.path))")
            }
            return found
        }
    }

    /// Starts `smsrelay serve` with `environment` added, and waits until it listens.
    /// - Parameters:
    ///   - umask: the umask to start it with (through `/bin/sh`), e.g. `"022"`.
    ///   - fileLimit: the open-file limit to start it with (`ulimit -n`).
    ///   - launcher: a program and its arguments that start the server, given its path and arguments.
    init(
        arguments: [String] = [], environment: [String: String], umask: String? = nil, fileLimit: Int? = nil,
        launcher: [String] = []
    ) async throws {
        let binary = try Self.executable
        let serveArguments = ["serve", "--host", "127.0.0.1", "--port", "0"] + arguments
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = launcher.dropFirst() + [binary.path] + serveArguments
        } else if umask != nil || fileLimit != nil {
            var script = ""
            if let fileLimit { script += "ulimit -n \(fileLimit) && " }
            if let umask { script += "umask \(umask) && " }
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script + #"exec "$0" "$@""#, binary.path] + serveArguments
        } else {
            process.executableURL = binary
            process.arguments = serveArguments
        }
        // The runner's own SMSRELAY_* and AWS_* settings, and systemd's variables, never reach the server under test.
        process.environment = ChildEnvironment.make(environment)
        let name = "smsrelay-serve-\(UUID().uuidString)"
        errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).stderr")
        outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).stdout")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // A limit against a server that never listens, not a measure: with every suite starting
        // at once on two cores (and other work on the machine) a start has taken over 30 s.
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let now = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            if now == printed {
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(20))
                continue
            }
            printed = now
            let lines = printed.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
            guard let listening = lines.first(where: { $0.hasPrefix("SMSRelay ") && $0.contains(" listening on ") }),
                let port = Self.port(in: listening)
            else { continue }
            printedCallbackURL = lines.first { $0.hasPrefix("Flowroute callback URL: ") }
                .map { String($0.dropFirst("Flowroute callback URL: ".count)) }
            if lines.contains(where: { $0.hasPrefix("Generated a webhook token") }), printedCallbackURL == nil {
                continue  // the rest of the banner is on its way
            }
            self.port = port
            let token = try environment["SMSRELAY_WEBHOOK_TOKEN"]
                ?? printedCallbackURL.flatMap { $0.split(separator: "/").last.map(String.init) }
                ?? Self.credentialToken(environment["CREDENTIALS_DIRECTORY"])
                ?? Self.storedToken(dataDirectory: environment["SMSRELAY_DATA_DIR"])
            callbackURL = "http://127.0.0.1:\(port)/flowroute/\(token)"
            return
        }
        let ended = process.isRunning
            ? "it was still running after 120 s"
            : "it exited (\(process.endedBySignal ? "signal" : "status") \(process.terminationStatus))"
        if process.isRunning { process.terminate() }
        throw TestFailure("smsrelay serve did not start listening; \(ended); it printed: \(printed)\(standardError)")
    }

    /// What `serve` has written to standard output so far.
    var standardOutput: String {
        (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
    }

    /// The first whole line of standard output that starts with `prefix`, once it is printed;
    /// throws when the process ends or `timeout` passes first.
    func line(startingWith prefix: String, timeout: Duration = .seconds(15)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let lines = standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            if let line = lines.first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("no line starting with '\(prefix)'; it printed: \(standardOutput)\(standardError)")
    }

    /// What `serve` has written to standard error (its log) so far.
    var standardError: String {
        (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
    }

    private static func port(in line: String) -> Int? {
        guard let range = line.range(of: " listening on ") else { return nil }
        let address = line[range.upperBound...].prefix { $0 != "," && $0 != " " }
        return address.split(separator: ":").last.flatMap { Int($0) }
    }

    private static func credentialToken(_ directory: String?) -> String? {
        guard let directory else { return nil }
        let file = URL(fileURLWithPath: directory).appendingPathComponent("webhook-token")
        return (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func storedToken(dataDirectory: String?) throws -> String {
        guard let dataDirectory else { throw TestFailure("no token: give SMSRELAY_DATA_DIR or SMSRELAY_WEBHOOK_TOKEN") }
        let file = URL(fileURLWithPath: dataDirectory).appendingPathComponent("webhook-token")
        return try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func post(_ body: String) async throws -> Int {
        var request = HTTPClientRequest(url: callbackURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// Ends the process at once, as a crash or `kill -9` would: no graceful shutdown.
    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// Asks for a graceful stop (SIGTERM) and waits for the exit status, at most `timeout`:
    /// a server that is still running then is killed (SIGKILL) and the answer is
    /// ``notStopped``, never a status a test expects, so a hung server fails the test instead
    /// of blocking it.
    func terminate(timeout: Duration = .seconds(60)) -> Int32 {
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            usleep(10_000)
        }
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return Self.notStopped
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// What ``terminate(timeout:)`` answers for a server that did not stop in time.
    static let notStopped: Int32 = -1

    deinit {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: errorFile)
        try? FileManager.default.removeItem(at: outputFile)
    }
}
