import Logging
import ServiceLifecycle

/// What the function does with one event: the response body, or an error to report.
public protocol LambdaHandler: Sendable {
    /// - Parameters:
    ///   - event: the event, as the JSON bytes the Runtime API handed out.
    ///   - context: the invocation's facts: its request id, its deadline, a logger that names it.
    func handle(_ event: [UInt8], context: LambdaContext) async throws -> [UInt8]
}

/// The runtime loop as a service: fetch an event, run the handler, report the result; again.
///
/// One failing event never stops the loop: a handler error is reported to the Runtime API as the
/// invocation's error. The loop stops when its task is cancelled or on graceful shutdown: a wait
/// for the next event is cut short, an invocation being handled is finished and reported first
/// (its handler bounds it by the deadline). When the Runtime API itself fails, `run()` throws, so
/// that the process exits and Lambda starts a fresh one.
public struct LambdaLoop: Service, CustomStringConvertible {
    let client: any LambdaRuntimeClient
    let handler: any LambdaHandler
    let logger: Logger

    public init(client: any LambdaRuntimeClient, handler: any LambdaHandler, logger: Logger) {
        self.client = client
        self.handler = handler
        self.logger = logger
    }

    public var description: String { "LambdaLoop" }

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let invocation: Invocation
            do {
                invocation = try await cancelWhenGracefulShutdown { [client] in try await client.next() }
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                // The Runtime API itself failed: nothing can be reported; let Lambda restart us.
                logger.critical("cannot fetch the next invocation", metadata: ["error": "\(error)"])
                throw error
            }
            // Read the clocks as soon as the event is in hand: the deadline counts from now.
            await runOne(invocation, context: LambdaContext(invocation, logger: logger))
        }
        logger.debug("lambda runtime loop stopped")
    }

    func runOne(_ invocation: Invocation, context: LambdaContext) async {
        let logger = context.logger
        do {
            let body = try await handler.handle(invocation.event, context: context)
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
