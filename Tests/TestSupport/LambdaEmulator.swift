import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// AWS's Lambda Runtime Interface Emulator running the packaged `bootstrap`, on loopback only.
///
/// The test command (`scripts/test.sh`) fetches the emulator into `.build/rie/` and packages the
/// function into `.build/lambda/bootstrap`; `SMSRELAY_LAMBDA_RIE` and `SMSRELAY_LAMBDA_BOOTSTRAP`
/// point elsewhere.
public final class LambdaEmulator: @unchecked Sendable {
    public let invokeURL: String
    private let process: ChildProcess
    private let log: URL

    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func file(_ variable: String, default relative: String) throws -> String {
        let path = ProcessInfo.processInfo.environment[variable] ?? packageRoot.appendingPathComponent(relative).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw PythonScript.Failure(
                description: "\(path) is missing; run ./scripts/test.sh, which fetches the emulator and packages the function")
        }
        return path
    }

    /// Refuses a packaged `bootstrap` older than a source file or `Package.swift` of the package
    /// at `root`: the tests would test another program than the sources.
    public static func checkFresh(_ bootstrap: String, root: URL = packageRoot) throws {
        let files = FileManager.default
        let built = (try? files.attributesOfItem(atPath: bootstrap)[.modificationDate] as? Date) ?? .distantPast
        var sources = [root.appendingPathComponent("Package.swift").path]
        if let walker = files.enumerator(atPath: root.appendingPathComponent("Sources").path) {
            for case let relative as String in walker {
                sources.append(root.appendingPathComponent("Sources").appendingPathComponent(relative).path)
            }
        }
        for source in sources {
            if let changed = try? files.attributesOfItem(atPath: source)[.modificationDate] as? Date, changed > built {
                throw PythonScript.Failure(
                    description: "\(bootstrap) is older than \(source): run ./scripts/package-lambda.sh (./scripts/test.sh does) "
                        + "so that these tests run the program the sources make")
            }
        }
    }

    /// Starts the emulator with `environment` for the function; the function itself starts at the first invocation.
    public init(environment: [String: String]) async throws {
        let emulator = try Self.file("SMSRELAY_LAMBDA_RIE", default: ".build/rie/aws-lambda-rie")
        let bootstrap = try Self.file("SMSRELAY_LAMBDA_BOOTSTRAP", default: ".build/lambda/bootstrap")
        if ProcessInfo.processInfo.environment["SMSRELAY_LAMBDA_BOOTSTRAP"] == nil {
            try Self.checkFresh(bootstrap)
        }
        let invokePort = try LoopbackPort.free()
        let runtimePort = try LoopbackPort.free()
        invokeURL = "http://127.0.0.1:\(invokePort)/2015-03-31/functions/function/invocations"
        log = FileManager.default.temporaryDirectory.appendingPathComponent("rie-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: emulator)
        // Both addresses always: the emulator's defaults listen on every interface.
        process.arguments = [
            "--runtime-interface-emulator-address", "127.0.0.1:\(invokePort)",
            "--runtime-api-address", "127.0.0.1:\(runtimePort)",
            bootstrap,
        ]
        process.environment = ChildEnvironment.make(environment)
        process.standardInput = FileHandle.nullDevice
        // One open file for both streams: two would each write from their own offset, over each other.
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if !process.isRunning { throw PythonScript.Failure(description: "the emulator exited: \(output)") }
            if LoopbackPort.isListening(invokePort) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PythonScript.Failure(description: "the emulator did not listen on 127.0.0.1:\(invokePort): \(output)")
    }

    /// What the emulator and the function printed so far.
    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Invokes the function with `event` and returns what it answered (the proxy response, or an error object).
    public func invoke(_ event: [UInt8]) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: invokeURL)!)
        request.httpMethod = "POST"
        request.httpBody = Data(event)
        request.timeoutInterval = 60
        let (data, _) = try await URLSession.shared.data(for: request)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PythonScript.Failure(description: "the emulator answered \(String(decoding: data, as: UTF8.self))")
        }
        return object
    }

    /// Stops the emulator (and the function with it): SIGTERM, then SIGKILL if it is still
    /// running 10 s later, so that a stuck emulator cannot block the test.
    public func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + .seconds(10)
            while process.isRunning, ContinuousClock.now < deadline {
                usleep(10_000)
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: log)
    }

    deinit { stop() }
}
