/// How the intake concluded one callback: the input of each edge's answer table.
public enum IntakeVerdict: Sendable, Equatable {
    /// A message or receipt the sink took.
    case accepted(SinkReceipt)
    /// A well-formed callback the relay does not handle (an outbound message, another event
    /// type): acknowledged so that the carrier does not send it again, and not kept.
    case ignored(reason: String)
    /// Refused before it reached the sink.
    case rejected(IntakeRejection)
    /// The sink could not take it: the carrier should retry.
    case failed(SinkFailure)
}
