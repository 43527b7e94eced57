import AsyncHTTPClient
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `flowroute_api.py` in a child process on 127.0.0.1: Flowroute's Messaging API v2.1 as far as
/// sending an SMS goes, with the answers Flowroute documents, for the credentials it was started
/// with. ``script(_:)`` makes it answer the next requests with given statuses; ``requests()``
/// tells what it received and when.
public final class FakeFlowrouteAPI: Sendable {
    /// A status for ``script(_:)``: read the request and never answer.
    public static let noAnswer = 0

    /// One request the fake received.
    public struct Request: Decodable, Sendable {
        public var method: String
        public var path: String
        public var headers: [[String]]
        /// The body as text.
        public var body: String
        /// When it arrived, in seconds of the fake's monotonic clock: compare them with each other only.
        public var time: Double

        /// The values of the header `name`, compared without regard to case.
        public func header(_ name: String) -> [String] {
            headers.filter { $0.first?.lowercased() == name.lowercased() }.compactMap { $0.last }
        }

        /// The body parsed as JSON, if it is.
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }

        /// `data.type` of the JSON:API document.
        public var dataType: String? {
            (json?["data"] as? [String: Any])?["type"] as? String
        }

        /// The string attributes of the JSON:API document (`data.attributes`): `to`, `from`, `body`, `dlr_callback`.
        public var attributes: [String: String] {
            let attributes = (json?["data"] as? [String: Any])?["attributes"] as? [String: Any] ?? [:]
            return attributes.compactMapValues { $0 as? String }
        }

        /// The names of every attribute, whatever their values.
        public var attributeNames: Set<String> {
            Set(((json?["data"] as? [String: Any])?["attributes"] as? [String: Any] ?? [:]).keys)
        }
    }

    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("flowroute_api.py")

    public let port: Int
    public let accessKey: String
    public let secretKey: String
    private let process: Process
    private let directory: URL

    private init(process: Process, port: Int, accessKey: String, secretKey: String, directory: URL) {
        self.process = process
        self.port = port
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.directory = directory
    }

    /// `http://127.0.0.1:PORT`, the base URL to give the client.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Starts the fake for the given credentials and waits until it listens.
    public static func start(accessKey: String = "test-access-key", secretKey: String = "test-secret-key-0123456789abcdef") async throws -> FakeFlowrouteAPI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowroute-fake-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stdout = directory.appendingPathComponent("stdout")
        let stderr = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--port", "0", "--access-key", accessKey, "--secret-key", secretKey]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()

        let deadline = ContinuousClock.now + .seconds(60)  // generous: the whole suite may be starting at once
        while ContinuousClock.now < deadline {
            let printed = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
            if let line = printed.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }),
                let port = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
            {
                return FakeFlowrouteAPI(process: process, port: port, accessKey: accessKey, secretKey: secretKey, directory: directory)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await stop(process)
        let errors = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: directory)
        throw TestFailure("flowroute_api.py did not start: \(errors)")
    }

    /// Runs `body` with a started fake, and stops it afterwards.
    public static func with<T>(
        accessKey: String = "test-access-key", secretKey: String = "test-secret-key-0123456789abcdef",
        _ body: (FakeFlowrouteAPI) async throws -> T
    ) async throws -> T {
        try await using(try await start(accessKey: accessKey, secretKey: secretKey), stop: { await $0.stop() }, body)
    }

    /// Answers the next requests with `statuses`, in order, before any check; then normally again.
    /// An error status gets a Flowroute error document, a 2xx a normal answer, ``noAnswer`` none.
    public func script(_ statuses: [Int]) async throws {
        _ = try await control("script", body: try JSONSerialization.data(withJSONObject: statuses))
    }

    /// Every request received outside the control endpoints, oldest first.
    public func requests() async throws -> [Request] {
        struct Reply: Decodable { var requests: [Request] }
        return try JSONDecoder().decode(Reply.self, from: try await control("requests")).requests
    }

    /// Stops the process (SIGTERM, SIGKILL if it lingers) and removes its files.
    public func stop() async {
        await Self.stop(process)
        try? FileManager.default.removeItem(at: directory)
    }

    private static func stop(_ process: Process) async {
        if process.isRunning {
            process.terminate()
        }
        let deadline = ContinuousClock.now + .seconds(3)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }

    /// GETs `/__control/endpoint`, or POSTs `body` to it.
    private func control(_ endpoint: String, body: Data? = nil) async throws -> Data {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/__control/\(endpoint)")
        if let body {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = Data(Array(buffer: try await response.body.collect(upTo: 1 << 24)))
        guard response.status == .ok else {
            throw TestFailure("flowroute_api.py refused /__control/\(endpoint): \(response.status) \(String(decoding: bytes, as: UTF8.self))")
        }
        return bytes
    }
}
