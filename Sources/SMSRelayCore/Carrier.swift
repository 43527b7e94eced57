/// The carriers whose callbacks the relay reads and through whose APIs it sends replies.
///
/// The raw value is the tag stored on every message and reply (``InboundMessage/carrier``,
/// ``OutboundReply/carrier``) and the first segment of the carrier's callback path
/// (`/twilio/{token}`); it never changes once written.
public enum Carrier: String, Sendable, Hashable, CaseIterable, Codable {
    case flowroute
    case twilio
    case telnyx
    case bandwidth
    case voipms

    /// The carrier's name as people write it.
    public var displayName: String {
        switch self {
        case .flowroute: "Flowroute"
        case .twilio: "Twilio"
        case .telnyx: "Telnyx"
        case .bandwidth: "Bandwidth"
        case .voipms: "VoIP.ms"
        }
    }

    /// The carrier a person names (`Twilio`, ` voipms `): the tag, in any case, blanks around it.
    public init?(named name: some StringProtocol) {
        self.init(rawValue: name.trimmingBlanks().lowercased())
    }

    /// Every tag, `flowroute, twilio, telnyx, bandwidth, voipms`: what a setting or a flag takes.
    public static var names: String {
        allCases.map(\.rawValue).joined(separator: ", ")
    }

    /// The name as people write it of the carrier a stored tag stands for; the tag itself when
    /// it is no carrier's.
    public static func displayName(ofTag tag: String) -> String {
        Carrier(rawValue: tag)?.displayName ?? tag
    }

    /// Whether the carrier's API sends one text to a group (Telnyx's group MMS, Bandwidth's
    /// several recipients), so that a reply to a group text can go to all its members.
    public var sendsGroupTexts: Bool {
        self == .telnyx || self == .bandwidth
    }
}
