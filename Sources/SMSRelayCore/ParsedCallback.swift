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

/// A callback body as a parser read it.
public struct ParsedCallback: Sendable, Equatable {
    public var event: CarrierEvent
    public var notices: [ParseNotice]

    public init(event: CarrierEvent, notices: [ParseNotice] = []) {
        self.event = event
        self.notices = notices
    }
}
