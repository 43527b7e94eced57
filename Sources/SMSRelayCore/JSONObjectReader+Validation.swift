import Foundation

/// Accessors that check what a carrier's field means, not only its JSON kind.
extension JSONObjectReader {
    /// The longest identifier we keep; carrier ids are a few dozen characters.
    static let maximumIdentifierLength = 256

    /// A phone number as carriers send it: 3 to 20 ASCII digits with an
    /// optional leading `+`. Short codes pass; the text is kept as given.
    func phoneNumber(_ key: String) throws(PayloadError) -> String {
        let number = try string(key)
        guard Self.isPhoneNumberLike(number) else {
            throw .invalid(path(of: key), "is not a phone number: expected 3 to 20 digits with an optional leading '+'")
        }
        return number
    }

    /// A non-blank identifier without control characters, at most 256 characters.
    func identifier(_ key: String) throws(PayloadError) -> String {
        let id = try string(key)
        if id.allSatisfy(\.isWhitespace) {
            throw .invalid(path(of: key), "must not be empty")
        }
        if id.count > Self.maximumIdentifierLength {
            throw .invalid(path(of: key), "is longer than \(Self.maximumIdentifierLength) characters")
        }
        if id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalid(path(of: key), "must not contain control characters")
        }
        return id
    }

    /// An absolute `http` or `https` URL with a host; anything else is refused
    /// because the mail layer turns it into a link.
    func httpURL(_ key: String) throws(PayloadError) -> String {
        let text = try string(key)
        guard
            let url = URL(string: text),
            let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty
        else {
            throw .invalid(path(of: key), "must be an absolute http or https URL")
        }
        return text
    }

    /// A timestamp in one of the ISO 8601 forms carriers use; absent or `null` gives nil.
    func optionalTimestamp(_ key: String) throws(PayloadError) -> Date? {
        guard let text = try optionalString(key) else { return nil }
        guard let date = ISO8601Timestamp.parse(text) else {
            throw .invalid(
                path(of: key),
                "is not an ISO 8601 date and time such as 2017-12-22T01:52:39.39Z (got \(JSONPath.quote(text)))"
            )
        }
        return date
    }

    func optionalNonNegativeInteger(_ key: String) throws(PayloadError) -> Int? {
        guard let number = try optionalInteger(key) else { return nil }
        guard number >= 0 else { throw .invalid(path(of: key), "must not be negative") }
        return number
    }

    /// A code that carriers send as a string or as an integer; kept as text.
    func optionalCode(_ key: String) throws(PayloadError) -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case let .string(text)?: return text
        case let .integer(number)?: return String(number)
        case let other?: throw mismatch(key, expected: "a string or an integer", found: other)
        }
    }

    static func isPhoneNumberLike(_ text: String) -> Bool {
        var digits = text.utf8[...]
        if digits.first == UInt8(ascii: "+") {
            digits = digits.dropFirst()
        }
        return (3...20).contains(digits.count)
            && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
