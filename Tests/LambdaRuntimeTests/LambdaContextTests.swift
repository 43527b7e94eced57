import Foundation
import LambdaRuntime
import Logging
import Testing

@Suite("LambdaContext: the invocation's facts and its deadline")
struct LambdaContextTests {
    let now = ContinuousClock.now
    let wallClockNow = Date(timeIntervalSince1970: 1_780_000_000)

    func context(deadline: Date?) -> LambdaContext {
        LambdaContext(
            Invocation(
                requestID: "req-1", deadline: deadline,
                functionARN: "arn:aws:lambda:us-east-1:123456789012:function:smsrelay",
                traceID: "Root=1-abc;Sampled=1", event: []),
            logger: Logger(label: "t"), now: now, wallClockNow: wallClockNow)
    }

    @Test("the wall-clock deadline is carried over to the monotonic clock at the moment of receipt")
    func deadlineFromHeader() {
        let context = context(deadline: wallClockNow.addingTimeInterval(5.25))
        #expect(now.duration(to: context.deadline) == .milliseconds(5250))
        #expect(context.wallClockDeadline == wallClockNow.addingTimeInterval(5.25))
        #expect(context.deadline(minus: LambdaContext.defaultSafetyMargin) == context.deadline - .seconds(2))
        #expect(LambdaContext.defaultSafetyMargin == .seconds(2))
    }

    @Test("a deadline already past stays past")
    func pastDeadline() {
        let context = context(deadline: wallClockNow.addingTimeInterval(-1))
        #expect(context.deadline < now)
        #expect(context.remainingTime < .zero)
    }

    @Test("no deadline header means the longest Lambda timeout from receipt: far away")
    func noDeadline() {
        let context = context(deadline: nil)
        #expect(context.deadline == now + LambdaContext.maximumTimeout)
        #expect(context.wallClockDeadline == nil)
        #expect(context.remainingTime > .seconds(800))
    }

    @Test("a deadline absurdly far off either way is capped to the longest Lambda timeout")
    func absurdDeadline() {
        #expect(context(deadline: .distantFuture).deadline == now + LambdaContext.maximumTimeout)
        #expect(context(deadline: .distantPast).deadline == now - LambdaContext.maximumTimeout)
    }

    @Test("the headers' facts and a logger that names the request and the trace")
    func facts() {
        let context = context(deadline: nil)
        #expect(context.requestID == "req-1")
        #expect(context.traceID == "Root=1-abc;Sampled=1")
        #expect(context.invokedFunctionARN == "arn:aws:lambda:us-east-1:123456789012:function:smsrelay")
        #expect(context.logger[metadataKey: "request_id"] == "req-1")
        #expect(context.logger[metadataKey: "trace_id"] == "Root=1-abc;Sampled=1")
        let untraced = LambdaContext(requestID: "req-2", deadline: now, logger: Logger(label: "t"))
        #expect(untraced.logger[metadataKey: "trace_id"] == nil)
    }

    @Test("the remaining time counts down to the deadline")
    func remainingTime() {
        let context = LambdaContext(requestID: "r", deadline: .now + .seconds(60), logger: Logger(label: "t"))
        #expect(context.remainingTime > .seconds(30))
        #expect(context.remainingTime <= .seconds(60))
    }
}
