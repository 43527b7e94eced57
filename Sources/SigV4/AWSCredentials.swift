import Foundation

/// An AWS access key, and the session token and expiry that come with temporary credentials.
///
/// The secret and the token never appear in `description`, `debugDescription`, `dump` or
/// string interpolation; the access key ID shows only its last four characters, as
/// `aws configure list` does, which is enough to tell two keys apart in a log.
public struct AWSCredentials: Sendable, Equatable {
    /// The public half of the key, e.g. `AKIAIOSFODNN7EXAMPLE`, or `ASIA…` for temporary credentials.
    public var accessKeyID: String
    /// The secret half of the key; it signs requests and is never sent.
    public var secretAccessKey: String
    /// The token of temporary credentials (from STS, or a Lambda function's role); `nil` for a long-term key.
    public var sessionToken: String?
    /// When temporary credentials stop working, as their issuer said; `nil` when not known (a
    /// long-term key, or a Lambda function's variables).
    public var expiration: Date?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// Whether these are temporary credentials, which must send their session token.
    public var isTemporary: Bool { sessionToken != nil }

    /// The access key ID with all but its last four characters masked: `****************MPLE`.
    public var maskedAccessKeyID: String {
        let visible = accessKeyID.suffix(4)
        return String(repeating: "*", count: accessKeyID.count - visible.count) + visible
    }
}

extension AWSCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        let token = sessionToken == nil ? "none" : "<redacted>"
        let expiry = expiration.map { ", expiration: \($0.formatted(.iso8601))" } ?? ""
        return "AWSCredentials(accessKeyID: \(maskedAccessKeyID), secretAccessKey: <redacted>, sessionToken: \(token)\(expiry))"
    }

    public var debugDescription: String { description }

    /// What `dump` and the debugger see: the same redacted fields as `description`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyID": maskedAccessKeyID,
                "secretAccessKey": "<redacted>",
                "sessionToken": sessionToken == nil ? "none" : "<redacted>",
                "expiration": expiration.map { $0.formatted(.iso8601) } ?? "none",
            ],
            displayStyle: .struct
        )
    }
}
