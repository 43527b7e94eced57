import Foundation

/// One event handed to the function by the Lambda Runtime API, with the facts its headers carry,
/// as the ``LambdaRuntimeClient`` read them. The loop turns them into a ``LambdaContext``.
public struct Invocation: Sendable, Equatable {
    /// `Lambda-Runtime-Aws-Request-Id`.
    public var requestID: String
    /// `Lambda-Runtime-Deadline-Ms`: when the invocation times out, on the wall clock;
    /// `nil` when the header is missing or unreadable.
    public var deadline: Date?
    /// `Lambda-Runtime-Invoked-Function-Arn`.
    public var functionARN: String?
    /// `Lambda-Runtime-Trace-Id`: the X-Ray trace header.
    public var traceID: String?
    /// The event, as JSON bytes.
    public var event: [UInt8]

    public init(requestID: String, deadline: Date? = nil, functionARN: String? = nil, traceID: String? = nil, event: [UInt8]) {
        self.requestID = requestID
        self.deadline = deadline
        self.functionARN = functionARN
        self.traceID = traceID
        self.event = event
    }
}

/// An error reported to the Runtime API, as `{"errorType": …, "errorMessage": …}`.
public struct LambdaFunctionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var errorType: String
    public var errorMessage: String

    public init(type: String, message: String) {
        self.errorType = type
        self.errorMessage = message
    }

    public var description: String { "\(errorType): \(errorMessage)" }

    /// The JSON body the Runtime API expects.
    public var json: [UInt8] {
        let object = ["errorType": errorType, "errorMessage": errorMessage, "stackTrace": [String]()] as [String: Any]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
    }
}
