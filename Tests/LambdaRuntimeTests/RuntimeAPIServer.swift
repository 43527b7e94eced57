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
    }

    private struct State {
        var queue: [(id: String, event: [UInt8])] = []
        var reports: [Report] = []
    }

    private let state = Mutex(State())

    func enqueue(id: String, event: [UInt8]) {
        state.withLock { $0.queue.append((id, event)) }
    }

    var reports: [Report] { state.withLock { $0.reports } }

    private func record(_ report: Report) {
        state.withLock { $0.reports.append(report) }
    }

    private func dequeue() -> (id: String, event: [UInt8])? {
        state.withLock { $0.queue.isEmpty ? nil : $0.queue.removeFirst() }
    }

    /// Runs the server on 127.0.0.1 (a free port) for the duration of `body`, which gets `host:port`.
    func run<T: Sendable>(_ body: @escaping @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        let base = "/2018-06-01/runtime"
        router.get("\(base)/invocation/next") { _, _ -> Response in
            // Long poll, as the real API does, until an event is queued.
            while true {
                if let next = self.dequeue() {
                    return Response(
                        status: .ok,
                        headers: [
                            HTTPField.Name("Lambda-Runtime-Aws-Request-Id")!: next.id,
                            HTTPField.Name("Lambda-Runtime-Deadline-Ms")!: String(Int((Date().timeIntervalSince1970 + 30) * 1000)),
                            HTTPField.Name("Lambda-Runtime-Invoked-Function-Arn")!: "arn:aws:lambda:us-east-1:123456789012:function:smsrelay",
                            HTTPField.Name("Lambda-Runtime-Trace-Id")!: "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1",
                            .contentType: "application/json",
                        ],
                        body: .init(byteBuffer: ByteBuffer(bytes: next.event)))
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
