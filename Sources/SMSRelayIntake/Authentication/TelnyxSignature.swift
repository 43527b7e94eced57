import Crypto
import Foundation
import SMSRelayCore

/// Telnyx's webhook signature: an Ed25519 signature, base64 in `telnyx-signature-ed25519`, over
/// `telnyx-timestamp`, `|` and the raw body, made with the account's key pair; the relay checks it
/// with the public key from the Mission Control Portal (Keys & Credentials › Public Key).
///
/// The timestamp (Unix seconds) must be within ``tolerance`` of now, either way, so that a
/// recorded callback cannot be played again later.
public struct TelnyxSignature: CallbackAuthenticator {
    private let publicKey: Curve25519.Signing.PublicKey
    /// How far the signed time may be from now: 5 minutes.
    public let tolerance: TimeInterval

    /// - Parameter publicKey: the 32 bytes of the account's Ed25519 public key.
    public init(publicKey: Curve25519.Signing.PublicKey, tolerance: TimeInterval = 300) {
        self.publicKey = publicKey
        self.tolerance = tolerance
    }

    /// The key as Telnyx shows it: base64 of its 32 bytes; nil when it is not that.
    public static func publicKey(base64 text: String) -> Curve25519.Signing.PublicKey? {
        guard let bytes = Data(base64Encoded: text.trimmingBlanks()), bytes.count == 32 else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
    }

    public var summary: String { "telnyx-signature-ed25519 (Ed25519 over timestamp|body, 5 minutes' tolerance)" }

    public func authenticate(_ request: CallbackRequest, body: [UInt8], now: Date) throws(CallbackAuthenticationFailure) {
        guard let signatureText = request.header("telnyx-signature-ed25519") else {
            throw CallbackAuthenticationFailure("no telnyx-signature-ed25519 header")
        }
        guard let timestampText = request.header("telnyx-timestamp")?.trimmingBlanks() else {
            throw CallbackAuthenticationFailure("no telnyx-timestamp header")
        }
        guard let seconds = Int64(timestampText) else {
            throw CallbackAuthenticationFailure("the telnyx-timestamp header is not a number of seconds")
        }
        guard let signature = Data(base64Encoded: signatureText.trimmingBlanks()), signature.count == 64 else {
            throw CallbackAuthenticationFailure("the telnyx-signature-ed25519 header is not a base64 Ed25519 signature")
        }
        let signed = Array(timestampText.utf8) + [UInt8(ascii: "|")] + body
        guard publicKey.isValidSignature(signature, for: signed) else {
            throw CallbackAuthenticationFailure(
                "the telnyx-signature-ed25519 does not match: check the public key (Keys & Credentials › Public Key)")
        }
        let age = now.timeIntervalSince1970 - TimeInterval(seconds)
        guard abs(age) <= tolerance else {
            throw CallbackAuthenticationFailure(
                "the telnyx-timestamp is \(Int(age.rounded())) seconds from now, more than \(Int(tolerance)): a replayed or delayed callback")
        }
    }
}
