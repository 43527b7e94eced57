import Foundation
import SigV4
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A `moto_server` child process on 127.0.0.1, prepared by `moto_setup.py` and then checking
/// the SigV4 signature of every request, as SES does.
public final class MotoServer: @unchecked Sendable {
    /// The requests `moto_setup.py` makes before moto starts checking signatures.
    public static let setupCalls = 7
    /// The sender that `moto_setup.py` verifies.
    public static let verifiedSender = "relay@example.org"
    public static let region = "us-east-1"

    /// The server the current suite shares (see ``MotoServerTrait``).
    @TaskLocal public static var current: MotoServer?

    struct Keys: Decodable {
        struct Session: Decodable {
            var accessKeyID: String
            var secretAccessKey: String
            var sessionToken: String
        }

        var accessKeyID: String
        var secretAccessKey: String
        var session: Session
    }

    public let endpoint: String
    /// The IAM user's long-term key, allowed `ses:*`.
    public let userCredentials: AWSCredentials
    /// Temporary credentials of a role allowed `ses:*`.
    public let sessionCredentials: AWSCredentials
    private let process: ChildProcess
    private let log: URL

    private init(process: ChildProcess, log: URL, endpoint: String, keys: Keys) {
        self.process = process
        self.log = log
        self.endpoint = endpoint
        userCredentials = AWSCredentials(accessKeyID: keys.accessKeyID, secretAccessKey: keys.secretAccessKey)
        sessionCredentials = AWSCredentials(
            accessKeyID: keys.session.accessKeyID,
            secretAccessKey: keys.session.secretAccessKey,
            sessionToken: keys.session.sessionToken
        )
    }

    /// Starts moto on a free port and runs the setup; tries a new port if another process took the first.
    /// Always through `moto_server.py`, whose DynamoDB item writes are atomic as AWS's are (plain
    /// `moto_server` let two racing conditional claims both succeed, now and then, under load).
    /// - Parameter webIdentity: whether STS takes `AssumeRoleWithWebIdentity` unsigned, as AWS
    ///   does; every other request is still checked.
    public static func start(webIdentity: Bool = false) async throws -> MotoServer {
        var lastError: (any Error)?
        for _ in 0..<3 {
            let port = try LoopbackPort.free()
            let endpoint = "http://127.0.0.1:\(port)"
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(port)-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let process = ChildProcess()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", PythonScript.folder.appendingPathComponent("moto_server.py").path, "-H", "127.0.0.1", "-p", "\(port)"]
            process.environment = ProcessInfo.processInfo.environment.merging(
                [
                    "INITIAL_NO_AUTH_ACTION_COUNT": "\(setupCalls)", "PYTHONUNBUFFERED": "1",
                    "MOTO_WEB_IDENTITY_UNSIGNED": webIdentity ? "1" : "0",
                ]
            ) { $1 }
            process.standardInput = FileHandle.nullDevice
            // One open file for both streams: two would each write from their own offset, over each other.
            let output = try FileHandle(forWritingTo: log)
            process.standardOutput = output
            process.standardError = output
            try process.run()
            do {
                try await waitUntilListening(process, log: log, port: port)
                let printed = try await PythonScript.run("moto_setup.py", [endpoint, verifiedSender, "\(setupCalls)"])
                let keys = try JSONDecoder().decode(Keys.self, from: printed)
                return MotoServer(process: process, log: log, endpoint: endpoint, keys: keys)
            } catch {
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                lastError = PythonScript.Failure(description: "\(error)\nmoto_server printed:\n\(output.suffix(2000))")
                stop(process)
                try? FileManager.default.removeItem(at: log)
            }
        }
        throw lastError!
    }

    /// Waits for werkzeug's `Running on http://127.0.0.1:PORT`, and fails at once if moto exits
    /// first (not installed, or the port was taken after all).
    private static func waitUntilListening(_ process: ChildProcess, log: URL, port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw PythonScript.Failure(
                    description: "moto_server exited with status \(process.terminationStatus) before listening; "
                        + "it comes from pip install 'moto[server]' (Tests/requirements.txt)"
                )
            }
            if let output = try? String(contentsOf: log, encoding: .utf8), output.contains("Running on http://127.0.0.1:\(port)") {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PythonScript.Failure(description: "moto_server did not start listening on 127.0.0.1:\(port) within 30 s")
    }

    /// Stops the process (SIGTERM, then SIGKILL after 5 s) and removes its log.
    public func stop() {
        Self.stop(process)
        try? FileManager.default.removeItem(at: log)
    }

    private static func stop(_ process: ChildProcess) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    deinit {
        Self.stop(process)
    }

    /// What moto stored for the message SES answered with `messageID`, read by Python's email package.
    public func storedMessage(_ messageID: String) async throws -> StoredMessage {
        let printed = try await PythonScript.run("moto_messages.py", [endpoint, messageID])
        return try JSONDecoder().decode(StoredMessage.self, from: printed)
    }

    /// Stores `bytes` as `key` in `bucket` of moto's S3 (creating the bucket), as SES receiving does.
    public func putObject(bucket: String, key: String, bytes: [UInt8]) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("s3-object-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try await PythonScript.run(
            "moto_s3.py", ["put", endpoint, userCredentials.accessKeyID, userCredentials.secretAccessKey, bucket, key, file.path])
    }

    /// The tags of an object in moto's S3.
    public func objectTags(bucket: String, key: String) async throws -> [String: String] {
        let printed = try await PythonScript.run(
            "moto_s3.py", ["tags", endpoint, userCredentials.accessKeyID, userCredentials.secretAccessKey, bucket, key])
        return try JSONDecoder().decode([String: String].self, from: printed)
    }

    /// How many raw messages moto's SES holds, from `GET /moto-api/data.json`.
    public func rawMessageCount() async throws -> Int {
        let script = """
            import json, sys, urllib.request
            data = json.load(urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json", timeout=10))
            print(len(data.get("ses", {}).get("RawMessage", [])))
            """
        let printed = try await PythonScript.run(executable: "python3", ["-c", script, endpoint], timeout: .seconds(30))
        guard let count = Int(String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw PythonScript.Failure(description: "cannot read moto's message count from \(String(decoding: printed, as: UTF8.self))")
        }
        return count
    }

    public struct StoredMessage: Decodable, Sendable {
        public struct Address: Decodable, Equatable, Sendable {
            public var name: String
            public var address: String

            public init(name: String, address: String) {
                self.name = name
                self.address = address
            }
        }

        public var source: String
        public var destinations: [String]
        /// The message exactly as SES received it.
        public var rawData: String
        public var subject: String
        public var from: [Address]
        public var to: [Address]
        public var messageID: String
        public var contentTypes: [String]
        public var charsets: [String?]
        public var text: String?
        public var html: String?
        public var defects: [String]
    }
}

/// Gives a suite one moto server, started before its first test and stopped after its last.
public struct MotoServerTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }
    /// Whether STS takes `AssumeRoleWithWebIdentity` unsigned (see ``MotoServer/start(webIdentity:)``).
    public var webIdentity: Bool

    public init(webIdentity: Bool = false) {
        self.webIdentity = webIdentity
    }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try await MotoServer.start(webIdentity: webIdentity)
        defer { server.stop() }
        try await MotoServer.$current.withValue(server) {
            try await function()
        }
    }
}

extension Trait where Self == MotoServerTrait {
    /// Runs the suite against its own `moto_server`.
    public static var motoServer: Self { Self() }

    /// Runs the suite against its own `moto_server`, whose STS takes a web identity unsigned.
    public static var motoServerWithWebIdentity: Self { Self(webIdentity: true) }
}
