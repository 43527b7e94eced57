import Foundation
import Logging
import SMSRelayCore

/// Where an accepted callback goes: the outbox on the server, a send within the invocation's
/// deadline in Lambda. The intake hands it each message and receipt once it has been checked.
public protocol CallbackSink: Sendable {
    /// Keeps or delivers the message. Throws ``SinkFailure`` when it could do neither, so that
    /// the carrier is asked to retry.
    func take(_ message: InboundMessage, context: SinkContext) async throws(SinkFailure) -> SinkReceipt
    /// Records a delivery receipt.
    func take(_ receipt: DeliveryReceipt, context: SinkContext) async throws(SinkFailure) -> SinkReceipt
}

/// What a sink knows of the callback it is given.
public struct SinkContext: Sendable {
    public var receivedAt: Date
    /// The moment by which the answer must be given; nil when there is none (the server).
    public var deadline: ContinuousClock.Instant?
    /// The logger of the callback, with its metadata.
    public var logger: Logger

    public init(receivedAt: Date, deadline: ContinuousClock.Instant? = nil, logger: Logger) {
        self.receivedAt = receivedAt
        self.deadline = deadline
        self.logger = logger
    }
}

/// What a sink did with a callback.
public enum SinkReceipt: Sendable, Equatable {
    /// Committed to the outbox under `id`; `isNew` is false for a carrier's retry of a stored message.
    case stored(id: Int64, isNew: Bool)
    /// Taken by the mail system, with its id for the message when it gave one.
    case delivered(transportID: String?)
    /// A delivery receipt; `isNew` is false for one already recorded.
    case receiptRecorded(isNew: Bool)
}

/// Why a sink could not take a callback. The sink has logged it; the edge answers so that the
/// carrier retries.
public struct SinkFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The outbox could not store it.
        case notStored
        /// The mail system did not take it.
        case notDelivered
        /// The deadline came before the mail system answered.
        case deadlineExceeded
    }

    public let kind: Kind
    public let reason: String

    public init(_ kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { reason }
}
