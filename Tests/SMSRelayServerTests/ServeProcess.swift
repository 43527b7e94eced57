import AsyncHTTPClient
import Foundation
import TestSupport
import NIOCore

/// The built `smsrelay` executable, run as a user runs it: `smsrelay serve` in a child process.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    private(set) var callbackURL = ""
    private(set) var port = 0

    /// The `smsrelay` binary beside the test bundle (both live in the build's products folder).
    static var executable: URL {
        get throws {
            var candidates = [
                URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("smsrelay")
            ]
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            candidates.append(root.appendingPathComponent(".build/debug/smsrelay"))
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw TestFailure("smsrelay executable not found in \(candidates.map(\.path))")
            }
            return found
        }
    }

    /// Starts `smsrelay serve` with `environment` added, and waits for it to print its callback URL.
    init(arguments: [String] = [], environment: [String: String]) async throws {
        process.executableURL = try Self.executable
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var printed = ""
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                if !process.isRunning { break }
                continue
            }
            printed += String(decoding: chunk, as: UTF8.self)
            if let line = printed.split(separator: "\n").first(where: { $0.hasPrefix("Flowroute callback URL: ") }) {
                callbackURL = String(line.dropFirst("Flowroute callback URL: ".count))
                port = URLComponents(string: callbackURL)?.port ?? 0
                return
            }
        }
        if process.isRunning { process.terminate() }
        throw TestFailure("smsrelay serve did not print its callback URL; it printed: \(printed)")
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

    /// Asks for a graceful stop (SIGTERM) and waits for the exit status.
    func terminate() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
