import Foundation
import SMSRelayCore

/// HTTP Basic authentication on the callback, as Bandwidth sends it when the application's
/// callback user name and password are set: the pair compared in constant time.
public struct BasicAuthentication: CallbackAuthenticator {
    private let expected: [UInt8]

    public init(username: String, password: String) {
        expected = Array("\(username):\(password)".utf8)
    }

    public var summary: String { "HTTP Basic authentication" }

    public func authenticate(_ request: CallbackRequest, body: [UInt8], now: Date) throws(CallbackAuthenticationFailure) {
        guard let header = request.header("authorization")?.trimmingBlanks() else {
            throw CallbackAuthenticationFailure("no Authorization header: the callback's user name and password are required")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let credentials = Data(base64Encoded: String(parts[1]).trimmingBlanks())
        else {
            throw CallbackAuthenticationFailure("the Authorization header is not Basic authentication")
        }
        guard ConstantTime.equals(Array(credentials), expected) else {
            throw CallbackAuthenticationFailure("wrong callback user name or password")
        }
    }
}
