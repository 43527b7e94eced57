import Foundation

/// A text or multimedia message received by a carrier for one of our numbers,
/// in a form that no longer depends on which carrier sent it.
public struct InboundMessage: Sendable, Codable, Equatable {
    /// The carrier that delivered the callback, e.g. `flowroute`.
    public var carrier: String
    /// The carrier's own message identifier; unique per carrier.
    public var id: String
    /// The sender's number, as the carrier gave it (E.164 digits, usually without `+`).
    public var from: String
    /// Our number that received the message.
    public var to: String
    /// The message text. May be empty for an MMS that carries only media.
    public var body: String
    /// When the carrier received the message; the time of the callback when the carrier gave none.
    public var receivedAt: Date
    /// Media attached to an MMS, in the carrier's order.
    public var media: [MediaItem]
    /// For a group message, the other numbers it went to besides ours (``to``) and the sender
    /// (``from``), in the carrier's order; nil for a text between two numbers. A reply to a group
    /// goes to the sender and these.
    public var groupRecipients: [String]?

    public init(
        carrier: String,
        id: String,
        from: String,
        to: String,
        body: String,
        receivedAt: Date,
        media: [MediaItem] = [],
        groupRecipients: [String]? = nil
    ) {
        self.carrier = carrier
        self.id = id
        self.from = from
        self.to = to
        self.body = body
        self.receivedAt = receivedAt
        self.media = media
        self.groupRecipients = groupRecipients?.isEmpty == true ? nil : groupRecipients
    }

    /// Whether the message went to a group (more people than the sender and our number).
    public var isGroup: Bool { !(groupRecipients ?? []).isEmpty }
}

/// One media object of an MMS: a link to where the carrier stores it.
public struct MediaItem: Sendable, Codable, Equatable {
    /// The carrier's URL for the item, as given; empty when it gave none (see ``problem``).
    public var url: String
    public var fileName: String?
    public var mimeType: String?
    public var fileSize: Int?
    /// Why the item could not be read (no URL, a reference to a media object that is not in the
    /// callback); the email says so instead of dropping the item silently.
    public var problem: String?

    public init(url: String, fileName: String? = nil, mimeType: String? = nil, fileSize: Int? = nil, problem: String? = nil) {
        self.url = url
        self.fileName = fileName
        self.mimeType = mimeType
        self.fileSize = fileSize
        self.problem = problem
    }

    /// An item the carrier referred to but that cannot be read.
    public static func unreadable(_ problem: String, fileName: String? = nil) -> MediaItem {
        MediaItem(url: "", fileName: fileName, problem: problem)
    }
}

/// A delivery receipt: the carrier telling us what became of a message sent from one of our numbers.
/// Receipts are recorded and logged, never emailed.
public struct DeliveryReceipt: Sendable, Codable, Equatable {
    public var carrier: String
    /// The identifier of the message the receipt is about.
    public var messageID: String
    /// The carrier's status word, e.g. `delivered` or `message buffered`.
    public var status: String
    /// The carrier's numeric or textual status code, when it gave one.
    public var statusCode: String?
    /// The carrier's human explanation, when it gave one.
    public var statusDescription: String?
    public var timestamp: Date

    public init(
        carrier: String,
        messageID: String,
        status: String,
        statusCode: String? = nil,
        statusDescription: String? = nil,
        timestamp: Date
    ) {
        self.carrier = carrier
        self.messageID = messageID
        self.status = status
        self.statusCode = statusCode
        self.statusDescription = statusDescription
        self.timestamp = timestamp
    }
}

/// What one carrier callback carried.
public enum CarrierEvent: Sendable, Equatable {
    case message(InboundMessage)
    case deliveryReceipt(DeliveryReceipt)
    /// A callback that is neither an inbound message nor a receipt (an outbound message, an event
    /// type the relay does not handle). Answered 200 so the carrier does not resend it, logged,
    /// never stored or emailed.
    case ignored(reason: String)
}

extension DeliveryReceipt {
    /// The code and the explanation the carrier gave, those it gave.
    public var details: [String] {
        [statusCode, statusDescription].compactMap { $0 }.filter { !$0.isEmpty }
    }

    /// Whether the receipt says the message will not reach the phone: a status that speaks of a
    /// failure, a rejection, an undelivered or an expired message (Flowroute's `message failed`,
    /// `delivery failed`, `smsc reject`, `undelivered`, `expired`). Intermediate states
    /// (`smsc submit`, `message buffered`) and `delivered` are not failures.
    public var isFailure: Bool {
        let status = status.lowercased()
        return ["fail", "reject", "undeliver", "expire", "delete"].contains { status.contains($0) }
    }
}
