import Foundation

extension Carrier {
    /// Parses one callback body of this carrier, with its parser (``FlowrouteParser``,
    /// ``TwilioParser``, ``TelnyxParser``, ``BandwidthParser``, ``VoipmsParser``).
    public func read(_ body: some Collection<UInt8>, receivedAt: Date) throws(PayloadError) -> ParsedCallback {
        switch self {
        case .flowroute: try FlowrouteParser.read(body, receivedAt: receivedAt)
        case .twilio: try TwilioParser.read(body, receivedAt: receivedAt)
        case .telnyx: try TelnyxParser.read(body, receivedAt: receivedAt)
        case .bandwidth: try BandwidthParser.read(body, receivedAt: receivedAt)
        case .voipms: try VoipmsParser.read(body, receivedAt: receivedAt)
        }
    }
}
