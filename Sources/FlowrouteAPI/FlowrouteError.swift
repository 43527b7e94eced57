import Foundation

/// Why Flowroute did not take a message, and whether sending it again can help.
///
/// The ``message`` says what happened and what to do, with Flowroute's own words when it gave
/// any; it never contains the secret key. Log it once, where the failure is handled.
public struct FlowrouteError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Sending the same message again gets the same answer: refused credentials (401), a
        /// number not on the account or not enabled for SMS (403), an invalid message (422), any
        /// other 4xx but 408 and 429, an answer that is not Flowroute's.
        case permanent
        /// It may work later: the rate limit (429), a server error (5xx), a timeout, a refused or
        /// lost connection, a cancelled send. The message may or may not have been sent when the
        /// answer was lost after the request went out.
        case transient
    }

    public let kind: Kind
    /// The HTTP status of Flowroute's answer; `nil` when there was none (network, timeout).
    public let status: Int?
    /// What was wrong and what to do.
    public let message: String
    /// The `id` of Flowroute's error object, which Flowroute Support can look up in its logs.
    public let errorID: String?

    public init(_ kind: Kind, status: Int? = nil, _ message: String, errorID: String? = nil) {
        self.kind = kind
        self.status = status
        self.message = message
        self.errorID = errorID
    }

    /// Whether trying again later may succeed.
    public var isTransient: Bool { kind == .transient }

    public var description: String { message }

    /// The same error with every occurrence of each of `secrets` replaced, for text that came
    /// from elsewhere (Flowroute's answer, a network error).
    func redacting(_ secrets: [String]) -> FlowrouteError {
        let cleaned = secrets.filter { $0.count >= 4 }.reduce(message) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
        return FlowrouteError(kind, status: status, cleaned, errorID: errorID)
    }
}
