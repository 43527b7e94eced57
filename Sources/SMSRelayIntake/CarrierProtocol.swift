import SMSRelayCore

/// How each carrier calls: the methods and body types of its callbacks, where their fields are,
/// and what it expects in the answer. The parser of its body is ``Carrier/read(_:receivedAt:)``.
public struct CarrierProtocol: Sendable, Equatable {
    public let carrier: Carrier

    public init(_ carrier: Carrier) {
        self.carrier = carrier
    }

    /// The methods its callbacks come with: VoIP.ms's URL callback may be a GET with the fields
    /// in the query; every other carrier POSTs.
    public var methods: [String] {
        carrier == .voipms ? ["GET", "POST"] : ["POST"]
    }

    /// What the answer to an accepted callback looks like.
    public enum Acknowledgement: Sendable, Equatable {
        /// The relay's JSON (`{"status": "stored", …}`).
        case json
        /// An empty TwiML document, so that Twilio sends no automatic reply.
        case twiml
        /// `ok` as plain text, which VoIP.ms looks for before it stops retrying.
        case plainOK
    }

    public var acknowledgement: Acknowledgement {
        switch carrier {
        case .twilio: .twiml
        case .voipms: .plainOK
        case .flowroute, .telnyx, .bandwidth: .json
        }
    }

    /// The body types the carrier's callbacks come in, in words, for the refusal of another.
    public var expectedContentType: String {
        switch carrier {
        case .twilio: "application/x-www-form-urlencoded"
        case .voipms: "application/x-www-form-urlencoded or application/json"
        case .flowroute, .telnyx, .bandwidth: "application/json"
        }
    }

    /// Whether a body of `contentType` can be this carrier's callback. A missing type is let
    /// through (the parser says whether the body is readable).
    public func accepts(contentType: String) -> Bool {
        let mediaType = Self.mediaType(contentType)
        if mediaType.isEmpty { return true }
        let isForm = mediaType == "application/x-www-form-urlencoded"
        switch carrier {
        case .twilio: return isForm
        case .voipms: return isForm || Self.isJSON(mediaType)
        case .flowroute, .telnyx, .bandwidth: return Self.isJSON(mediaType)
        }
    }

    /// The bytes the parser reads: the body, or for VoIP.ms's GET the query.
    public func fields(of request: CallbackRequest, body: [UInt8]) -> [UInt8] {
        if carrier == .voipms, request.method.uppercased() == "GET" { return Array((request.query ?? "").utf8) }
        return body
    }

    /// `application/json`, `text/json`, `text/plain` (some senders label JSON so) or any `+json`.
    static func isJSON(_ mediaType: String) -> Bool {
        mediaType == "application/json" || mediaType == "text/json" || mediaType == "text/plain"
            || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    /// The media type of a `Content-Type` value, lower case, without parameters or blanks.
    static func mediaType(_ contentType: String) -> String {
        let beforeParameters = contentType.utf8.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let trimmed = beforeParameters.drop(while: isBlank).reversed().drop(while: isBlank).reversed()
        return String(decoding: trimmed, as: UTF8.self).lowercased()
    }
}
