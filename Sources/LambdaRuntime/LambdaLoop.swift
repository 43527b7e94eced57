import Logging

/// What the function does with one event: the response body, or an error to report.
public protocol LambdaHandler: Sendable {
    func handle(_ invocation: Invocation, logger: Logger) async throws -> [UInt8]
}

/// The runtime loop: fetch an event, run the handler, report the result; again, until the task
/// is cancelled. One failing event never stops the loop.
public struct LambdaLoop: Sendable {
    let client: any LambdaRuntimeClient
    let handler: any LambdaHandler
    let logger: Logger

    public init(client: any LambdaRuntimeClient, handler: any LambdaHandler, logger: Logger) {
        self.client = client
        self.handler = handler
        self.logger = logger
    }

    /// Runs until cancelled or, when `maxInvocations` is set, after that many events (for tests).
    public func run(maxInvocations: Int? = nil) async throws {
        var handled = 0
        while !Task.isCancelled {
            if let maxInvocations, handled >= maxInvocations { return }
            let invocation: Invocation
            do {
                invocation = try await client.next()
            } catch {
                if Task.isCancelled { return }
                // The Runtime API itself failed: nothing can be reported; let Lambda restart us.
                logger.critical("cannot fetch the next invocation", metadata: ["error": "\(error)"])
                throw error
            }
            handled += 1
            await runOne(invocation)
        }
    }

    func runOne(_ invocation: Invocation) async {
        var logger = self.logger
        logger[metadataKey: "request_id"] = "\(invocation.requestID)"
        if let trace = invocation.traceID { logger[metadataKey: "trace_id"] = "\(trace)" }
        do {
            let body = try await handler.handle(invocation, logger: logger)
            try await client.respond(to: invocation.requestID, with: body)
        } catch {
            let failure = (error as? LambdaFunctionError)
                ?? LambdaFunctionError(type: String(describing: type(of: error)), message: "\(error)")
            logger.error("invocation failed", metadata: ["error_type": "\(failure.errorType)", "error": "\(failure.errorMessage)"])
            do {
                try await client.fail(invocation.requestID, error: failure)
            } catch {
                logger.error("cannot report the failed invocation", metadata: ["error": "\(error)"])
            }
        }
    }
}
