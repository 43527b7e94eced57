/// Something a parser read past rather than refuse the callback for: an unreadable time, a media
/// item it could not resolve, media beyond the limit. The edges log these.
public struct ParseNotice: Sendable, Equatable, CustomStringConvertible {
    /// The JSON path of the field, e.g. `data.attributes.timestamp`.
    public var field: String
    public var detail: String

    public init(field: String, _ detail: String) {
        self.field = field
        self.detail = detail
    }

    public var description: String { "\(field): \(detail)" }
}

/// A callback body as a parser read it: one event, or several where the carrier sends a batch
/// (Bandwidth posts a JSON array).
public struct ParsedCallback: Sendable, Equatable {
    /// What the callback carried, in its order; never empty.
    public var events: [CarrierEvent]
    public var notices: [ParseNotice]

    public init(event: CarrierEvent, notices: [ParseNotice] = []) {
        self.events = [event]
        self.notices = notices
    }

    /// - Precondition: `events` is not empty (a parser refuses an empty batch instead).
    public init(events: [CarrierEvent], notices: [ParseNotice] = []) {
        precondition(!events.isEmpty, "a callback carries at least one event")
        self.events = events
        self.notices = notices
    }

    /// The first (for most carriers the only) event.
    public var event: CarrierEvent { events[0] }
}
