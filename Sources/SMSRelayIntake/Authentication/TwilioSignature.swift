import Crypto
import Foundation
import SMSRelayCore

/// Twilio's `X-Twilio-Signature`: the base64 HMAC-SHA1, keyed with the account's auth token, of
/// the URL Twilio requested (scheme, host, port if any, path and query, exactly as configured in
/// its console) followed, for a form POST, by every parameter's name and value, sorted by name
/// (a name's repeated values sorted too).
///
/// The URL is the one Twilio saw, not the one the relay was reached at behind a proxy: it is
/// rebuilt from ``publicURL`` (`SMSRELAY_PUBLIC_URL`) and the request's path and query. As
/// Twilio's own validators do, the URL is also tried without its port, or with the scheme's
/// default port where it has none, because Twilio may have signed either. SignalWire signs its
/// compatibility webhooks the same way with its signing key, in `X-SignalWire-Signature` (and
/// `X-Twilio-Signature`); either header is read.
public struct TwilioSignature: CallbackAuthenticator {
    /// The names of the headers that may carry the signature, in the order they are read.
    public static let headerNames = ["x-twilio-signature", "x-signalwire-signature"]

    private let key: SymmetricKey
    /// The relay's public base URL, without a trailing `/`: `https://sms.example.com`; nil when
    /// none is configured, and the request's `Host` is read instead (with https, then http).
    public let publicURL: String?

    public init(authToken: String, publicURL: String?) {
        key = SymmetricKey(data: Array(authToken.utf8))
        var base = publicURL
        while base?.hasSuffix("/") == true { base?.removeLast() }
        self.publicURL = base
    }

    public var summary: String { "X-Twilio-Signature (HMAC-SHA1 of \(publicURL ?? "https://<Host>")/… and the form)" }

    public func authenticate(_ request: CallbackRequest, body: [UInt8], now: Date) throws(CallbackAuthenticationFailure) {
        guard let header = Self.headerNames.lazy.compactMap({ request.header($0) }).first else {
            throw CallbackAuthenticationFailure("no X-Twilio-Signature header")
        }
        guard let given = Data(base64Encoded: header.trimmingBlanks()), given.count == Insecure.SHA1.byteCount else {
            throw CallbackAuthenticationFailure("the X-Twilio-Signature header is not a base64 HMAC-SHA1")
        }
        let parameters = Self.isForm(request) ? FormFields(parsing: body).pairs.map { ($0.name, $0.value) } : []
        let bases = publicURL.map { [$0] } ?? request.header("host").map { ["https://" + $0, "http://" + $0] } ?? []
        for url in bases.flatMap({ Self.candidateURLs($0 + request.target) }) {
            if ConstantTime.equals(Array(given), signature(url: url, parameters: parameters)) { return }
        }
        throw CallbackAuthenticationFailure(
            "the X-Twilio-Signature does not match: check the auth token and that the URL in Twilio's console is "
                + "\(publicURL ?? "SMSRELAY_PUBLIC_URL")/twilio/<token>")
    }

    /// The signature of `url` and `parameters`, as Twilio computes it: names in code point order,
    /// each name's distinct values in code point order.
    public func signature(url: String, parameters: [(String, String)]) -> [UInt8] {
        var values: [String: Set<String>] = [:]
        for (name, value) in parameters { values[name, default: []].insert(value) }
        let inOrder = { (a: String, b: String) in a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) }
        var text = url
        for name in values.keys.sorted(by: inOrder) {
            for value in values[name, default: []].sorted(by: inOrder) { text += name + value }
        }
        return Array(HMAC<Insecure.SHA1>.authenticationCode(for: Array(text.utf8), using: key))
    }

    /// Whether the body is a form Twilio signed parameter by parameter (its webhooks always are).
    static func isForm(_ request: CallbackRequest) -> Bool {
        guard let type = request.header("content-type") else { return true }
        return type.lowercased().hasPrefix("application/x-www-form-urlencoded")
    }

    /// `url` as given, and as Twilio's own validators also try it: with any port left out, or
    /// with the scheme's default port (443, 80) written out where it has none.
    static func candidateURLs(_ url: String) -> [String] {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else { return [url] }
        var urls = [url]
        if components.port != nil {
            components.port = nil
        } else {
            components.port = scheme == "https" ? 443 : 80
        }
        components.string.map { urls.append($0) }
        return urls
    }
}
