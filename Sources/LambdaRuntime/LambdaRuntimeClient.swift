/// The Lambda Runtime API as the function sees it. The loop depends on this protocol only,
/// so its logic is tested without a network; ``HTTPLambdaRuntimeClient`` is the real one.
public protocol LambdaRuntimeClient: Sendable {
    /// Waits for the next event (`GET /runtime/invocation/next`).
    func next() async throws -> Invocation
    /// Sends the result of an invocation (`POST /runtime/invocation/{id}/response`).
    func respond(to requestID: String, with body: [UInt8]) async throws
    /// Reports a failed invocation (`POST /runtime/invocation/{id}/error`).
    func fail(_ requestID: String, error: LambdaFunctionError) async throws
    /// Reports a failure to start (`POST /runtime/init/error`); the process exits after it.
    func initializationFailed(_ error: LambdaFunctionError) async throws
}
