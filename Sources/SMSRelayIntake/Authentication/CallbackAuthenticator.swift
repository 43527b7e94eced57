import Foundation

/// A carrier's own proof that a callback came from it: a signature over the request, a password,
/// the address it came from. Checked after the token and before the body is parsed; a failure is
/// answered 403 and logged without the body.
public protocol CallbackAuthenticator: Sendable {
    /// What the check is, for logs and `config check`: `X-Twilio-Signature (HMAC-SHA1)`.
    var summary: String { get }

    /// Whether `request` with `body` passes, at `now`.
    /// - Throws: ``CallbackAuthenticationFailure`` saying what was wrong, safe to log and to answer.
    func authenticate(_ request: CallbackRequest, body: [UInt8], now: Date) throws(CallbackAuthenticationFailure)
}

/// Why a callback did not prove it came from the carrier. The reason names what was missing or
/// wrong, never the expected value.
public struct CallbackAuthenticationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
