import AsyncHTTPClient
import Foundation
import NIOCore

/// The Runtime API over HTTP, at the `host:port` in `AWS_LAMBDA_RUNTIME_API`.
public struct HTTPLambdaRuntimeClient: LambdaRuntimeClient {
    public static let apiVersion = "2018-06-01"
    private let base: String
    private let httpClient: HTTPClient

    /// - Parameter endpoint: the value of `AWS_LAMBDA_RUNTIME_API`, `host:port`.
    public init(endpoint: String, httpClient: HTTPClient = .shared) {
        self.base = "http://\(endpoint)/\(Self.apiVersion)/runtime"
        self.httpClient = httpClient
    }

    public func next() async throws -> Invocation {
        // No timeout: the call waits, by design, until an event arrives.
        let response = try await httpClient.execute(HTTPClientRequest(url: "\(base)/invocation/next"), timeout: .hours(24 * 365))
        let body = try await response.body.collect(upTo: 6 * 1024 * 1024 + 1024)
        guard response.status == .ok else {
            throw LambdaFunctionError(type: "Runtime.NextFailed", message: "invocation/next answered \(response.status.code)")
        }
        guard let requestID = response.headers.first(name: "Lambda-Runtime-Aws-Request-Id"), !requestID.isEmpty else {
            throw LambdaFunctionError(type: "Runtime.NextFailed", message: "invocation/next gave no Lambda-Runtime-Aws-Request-Id")
        }
        // Milliseconds since the epoch; a missing or unreadable value is no deadline (see LambdaContext).
        let deadline = response.headers.first(name: "Lambda-Runtime-Deadline-Ms")
            .flatMap { Int64($0) }.map { Date(timeIntervalSince1970: Double($0) / 1000) }
        return Invocation(
            requestID: requestID,
            deadline: deadline,
            functionARN: response.headers.first(name: "Lambda-Runtime-Invoked-Function-Arn"),
            traceID: response.headers.first(name: "Lambda-Runtime-Trace-Id"),
            event: Array(buffer: body))
    }

    public func respond(to requestID: String, with body: [UInt8]) async throws {
        try await post("\(base)/invocation/\(Self.pathSegment(requestID))/response", body: body, errorType: nil)
    }

    public func fail(_ requestID: String, error: LambdaFunctionError) async throws {
        try await post("\(base)/invocation/\(Self.pathSegment(requestID))/error", body: error.json, errorType: error.errorType)
    }

    public func initializationFailed(_ error: LambdaFunctionError) async throws {
        try await post("\(base)/init/error", body: error.json, errorType: error.errorType)
    }

    private func post(_ url: String, body: [UInt8], errorType: String?) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let errorType {
            request.headers.add(name: "Lambda-Runtime-Function-Error-Type", value: errorType)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await httpClient.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw LambdaFunctionError(type: "Runtime.PostFailed", message: "\(url) answered \(response.status.code)")
        }
    }

    /// A request id as one URL path segment: ids are UUIDs, but nothing from outside goes into a path unescaped.
    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? id
    }
}
