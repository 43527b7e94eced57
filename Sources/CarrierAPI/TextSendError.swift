import Foundation

/// Why a carrier did not take a text, and whether sending it again can help.
///
/// The ``message`` says what happened and what to do, with the carrier's own words when it gave
/// any; it never contains a credential. Log it once, where the failure is handled.
public struct TextSendError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Sending the same text again gets the same answer: refused credentials, a number the
        /// account cannot send from or to, an invalid text, an answer that is not the carrier's.
        case permanent
        /// It may work later: a rate limit, a server error, a timeout, a refused or lost
        /// connection, a cancelled send. The text may or may not have been sent when the answer
        /// was lost after the request went out.
        case transient
    }

    public let kind: Kind
    /// The HTTP status of the carrier's answer; `nil` when there was none (network, timeout) or
    /// the request was never made.
    public let status: Int?
    /// What was wrong and what to do.
    public let message: String
    /// The carrier's own error code (Twilio `21610`, Telnyx `10007`, Bandwidth
    /// `request-validation`, VoIP.ms `invalid_dst`, Flowroute's error id), when it gave one.
    public let code: String?

    public init(_ kind: Kind, status: Int? = nil, _ message: String, code: String? = nil) {
        self.kind = kind
        self.status = status
        self.message = message
        self.code = code
    }

    /// Whether trying again later may succeed.
    public var isTransient: Bool { kind == .transient }

    public var description: String { message }

    /// The same error with every occurrence of each of `secrets` replaced, for text that came
    /// from elsewhere (the carrier's answer, a network error).
    func redacting(_ secrets: [String]) -> TextSendError {
        let cleaned = secrets.filter { $0.count >= 4 }.reduce(message) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
        let cleanedCode = code.map { code in secrets.filter { $0.count >= 4 }.reduce(code) { $0.replacingOccurrences(of: $1, with: "<redacted>") } }
        return TextSendError(kind, status: status, cleaned, code: cleanedCode)
    }
}
