import Foundation

/// How the clients write numbers, addresses and form fields.
enum WireFormat {
    /// `+12065551234` for `12065551234` (or `+12065551234`): E.164 as Twilio, Telnyx and Bandwidth
    /// take it; `nil` unless it is 1 to 15 digits.
    static func e164(_ number: String) -> String? {
        let digits = number.hasPrefix("+") ? String(number.dropFirst()) : number
        guard (1...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return "+" + digits
    }

    /// The 10-digit North American number VoIP.ms takes: 11 digits starting with `1` lose the
    /// `1`, 10 digits stay; `nil` for anything else.
    static func nanp(_ number: String) -> String? {
        let digits = number.hasPrefix("+") ? String(number.dropFirst()) : number
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if digits.count == 11, digits.hasPrefix("1") { return String(digits.dropFirst()) }
        return digits.count == 10 ? digits : nil
    }

    /// `base` without trailing slashes, followed by `path`.
    static func join(_ base: URL, _ path: String) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text + path
    }

    /// The characters a form value or a path segment keeps as they are (RFC 3986's unreserved).
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `value` percent-encoded: everything but the unreserved characters, so `+`, `&`, `=` and
    /// spaces survive a form body or a query.
    static func percentEncoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// `name=value&…`, each part percent-encoded, in the order given.
    static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    /// The `Authorization` value of HTTP Basic authentication.
    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// A JSON value as text: a string as it is, a number as digits; `nil` for anything else.
    static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: return text
        case let number as Int: return String(number)
        case let number as Int64: return String(number)
        default: return nil
        }
    }
}
