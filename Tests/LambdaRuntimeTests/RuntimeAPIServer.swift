import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// A Lambda Runtime API on loopback, speaking the documented 2018-06-01 protocol, for the tests:
/// it hands out queued events at `invocation/next` and records what the function reports.
final class RuntimeAPIServer: Sendable {
    struct Report: Sendable, Equatable {
        enum Kind: Sendable, Equatable { case response, error, initError }
        var kind: Kind
        var requestID: String?
        var errorType: String?
        var body: [UInt8]
        /// When the report arrived.
        var receivedAt = Date()
    }

    private struct Queued {
        var id: String
        var event: [UInt8]
        var timeout: Duration?
        /// Instead of the event, `invocation/next` answers 500, as a broken Runtime API would.
        var fails = false
    }

    private struct State {
        var queue: [Queued] = []
        var reports: [Report] = []
        var deadlines: [String: Date] = [:]
    }

    static let traceID = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1"

    private let state = Mutex(State())

    /// Queues an event. Its deadline is `timeout` after it is handed out, as Lambda counts it;
    /// a `nil` timeout sends no `Lambda-Runtime-Deadline-Ms` header.
    func enqueue(id: String, event: [UInt8], timeout: Duration? = .seconds(30)) {
        state.withLock { $0.queue.append(Queued(id: id, event: event, timeout: timeout)) }
    }

    /// Queues a failure: the `invocation/next` call that reaches it is answered 500.
    func enqueueNextFailure() {
        state.withLock { $0.queue.append(Queued(id: "", event: [], timeout: nil, fails: true)) }
    }

    var reports: [Report] { state.withLock { $0.reports } }

    /// The deadline handed out with each event, by request id (at millisecond precision, as sent).
    var deadlines: [String: Date] { state.withLock { $0.deadlines } }

    private func record(_ report: Report) {
        state.withLock { $0.reports.append(report) }
    }

    /// The next event, with its deadline in milliseconds since the epoch (fixed and recorded now).
    private func dequeue() -> (id: String, event: [UInt8], deadlineMs: Int64?, fails: Bool)? {
        state.withLock { state in
            guard !state.queue.isEmpty else { return nil }
            let next = state.queue.removeFirst()
            if next.fails { return (next.id, next.event, nil, true) }
            let deadlineMs = next.timeout.map { timeout in
                Int64((Date().timeIntervalSince1970 + Double(timeout.components.seconds)
                    + Double(timeout.components.attoseconds) / 1e18) * 1000)
            }
            if let deadlineMs { state.deadlines[next.id] = Date(timeIntervalSince1970: Double(deadlineMs) / 1000) }
            return (next.id, next.event, deadlineMs, false)
        }
    }

    /// Runs the server on 127.0.0.1 (a free port) for the duration of `body`, which gets `host:port`.
    func run<T: Sendable>(_ body: @escaping @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        let base = "/2018-06-01/runtime"
        router.get("\(base)/invocation/next") { _, _ -> Response in
            // Long poll, as the real API does, until an event is queued.
            while true {
                if let next = self.dequeue() {
                    if next.fails { return Response(status: .internalServerError) }
                    var headers: HTTPFields = [
                        HTTPField.Name("Lambda-Runtime-Aws-Request-Id")!: next.id,
                        HTTPField.Name("Lambda-Runtime-Invoked-Function-Arn")!: "arn:aws:lambda:us-east-1:123456789012:function:smsrelay",
                        HTTPField.Name("Lambda-Runtime-Trace-Id")!: Self.traceID,
                        .contentType: "application/json",
                    ]
                    if let deadlineMs = next.deadlineMs {
                        headers[HTTPField.Name("Lambda-Runtime-Deadline-Ms")!] = String(deadlineMs)
                    }
                    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: next.event)))
                }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        router.post("\(base)/invocation/:id/response") { request, context -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 6 << 20)
            self.record(Report(kind: .response, requestID: context.parameters.get("id"), body: Array(buffer: body)))
            return .accepted
        }
        router.post("\(base)/invocation/:id/error") { request, context -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            self.record(Report(
                kind: .error, requestID: context.parameters.get("id"),
                errorType: request.headers[HTTPField.Name("Lambda-Runtime-Function-Error-Type")!], body: Array(buffer: body)))
            return .accepted
        }
        router.post("\(base)/init/error") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            self.record(Report(
                kind: .initError, requestID: nil,
                errorType: request.headers[HTTPField.Name("Lambda-Runtime-Function-Error-Type")!], body: Array(buffer: body)))
            return .accepted
        }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var ports = portStream.makeAsyncIterator()
            guard let port = await ports.next() else { throw CancellationError() }
            defer { group.cancelAll() }
            return try await body("127.0.0.1:\(port)")
        }
    }
}
