import Foundation
import Logging

/// What the function knows about the invocation it is handling, besides the event: who asked,
/// the trace, and above all when Lambda will stop waiting for the answer.
public struct LambdaContext: Sendable {
    /// The time kept in hand before the deadline by default: a send that cannot finish by
    /// `deadline - defaultSafetyMargin` is abandoned, leaving time to answer the Runtime API.
    public static let defaultSafetyMargin: Duration = .seconds(2)

    /// The longest Lambda lets a function run (15 minutes). When the Runtime API names no deadline,
    /// the deadline is taken as this long after the invocation was received: in effect, far away.
    public static let maximumTimeout: Duration = .seconds(900)

    /// `Lambda-Runtime-Aws-Request-Id`.
    public let requestID: String
    /// `Lambda-Runtime-Trace-Id`: the X-Ray trace header, when there is one.
    public let traceID: String?
    /// `Lambda-Runtime-Invoked-Function-Arn`, when there is one.
    public let invokedFunctionARN: String?
    /// When the invocation times out, on the monotonic clock: compare with `ContinuousClock.now`.
    public let deadline: ContinuousClock.Instant
    /// The deadline as the Runtime API gave it (`Lambda-Runtime-Deadline-Ms`), for logs;
    /// `nil` when it gave none.
    public let wallClockDeadline: Date?
    /// The function's logger, with `request_id` and, when there is one, `trace_id` metadata.
    public let logger: Logger

    /// - Parameter logger: the base logger; the context adds the request and trace metadata.
    public init(
        requestID: String,
        traceID: String? = nil,
        invokedFunctionARN: String? = nil,
        deadline: ContinuousClock.Instant,
        wallClockDeadline: Date? = nil,
        logger: Logger
    ) {
        self.requestID = requestID
        self.traceID = traceID
        self.invokedFunctionARN = invokedFunctionARN
        self.deadline = deadline
        self.wallClockDeadline = wallClockDeadline
        var logger = logger
        logger[metadataKey: "request_id"] = "\(requestID)"
        if let traceID { logger[metadataKey: "trace_id"] = "\(traceID)" }
        self.logger = logger
    }

    /// The context of an invocation received now: its wall-clock deadline is carried over to the
    /// monotonic clock by reading both clocks at this moment, so that a later change of the system
    /// time does not move it. No deadline means ``maximumTimeout`` from now.
    public init(
        _ invocation: Invocation,
        logger: Logger,
        now: ContinuousClock.Instant = .now,
        wallClockNow: Date = Date()
    ) {
        self.init(
            requestID: invocation.requestID,
            traceID: invocation.traceID,
            invokedFunctionARN: invocation.functionARN,
            deadline: Self.deadline(invocation.deadline, now: now, wallClockNow: wallClockNow),
            wallClockDeadline: invocation.deadline,
            logger: logger)
    }

    /// `wallClockDeadline` on the monotonic clock, given the time on both clocks at one moment.
    static func deadline(_ wallClockDeadline: Date?, now: ContinuousClock.Instant, wallClockNow: Date) -> ContinuousClock.Instant {
        guard let wallClockDeadline else { return now + maximumTimeout }
        // A deadline absurdly far off either way (a bad header) is capped, so that the arithmetic
        // stays in range: no invocation lasts longer than the maximum timeout.
        let limit = Double(maximumTimeout.components.seconds)
        let remaining = min(max(wallClockDeadline.timeIntervalSince(wallClockNow), -limit), limit)
        return now + .seconds(remaining)
    }

    /// The time left until the deadline; negative once it has passed.
    public var remainingTime: Duration {
        ContinuousClock.now.duration(to: deadline)
    }

    /// The deadline brought forward by `margin`: the instant by which work must be done so that
    /// there is still time to answer.
    public func deadline(minus margin: Duration) -> ContinuousClock.Instant {
        deadline - margin
    }
}

extension Duration {
    /// The duration in whole milliseconds, for logs.
    public var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
