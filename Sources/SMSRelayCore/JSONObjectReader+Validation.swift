import Foundation

/// Accessors that read what a carrier's field means, liberally: a field the relay needs is
/// refused only when no reading of it can work; a field it can do without is never refused.
extension JSONObjectReader {
    /// The longest identifier we keep; carrier ids are a few dozen characters.
    static let maximumIdentifierLength = 256

    /// The sender's or recipient's number: a string or an integer (some accounts send numbers as
    /// JSON numbers). Formatting (`+1 (206) 641-8000`) is removed; an alphanumeric sender id
    /// (`AMAZON`, up to 11 letters and digits) is kept as it is.
    func phoneNumber(_ key: String) throws(PayloadError) -> String {
        let value = try value(key)
        guard let number = Self.phoneNumber(in: value) else {
            if case .string = value {
                throw .invalid(path(of: key), "is not a phone number: expected 3 to 20 digits with an optional leading '+'")
            }
            throw mismatch(key, expected: "a phone number (a string or an integer)", found: value)
        }
        return number
    }

    /// A number the relay can do without: nil, with a notice, when it cannot be read.
    func optionalPhoneNumber(_ key: String, notices: inout [ParseNotice]) -> String? {
        guard let value = fields[key], value != .null else { return nil }
        guard let number = Self.phoneNumber(in: value) else {
            notices.append(ParseNotice(field: path(of: key), "is not a phone number; left out"))
            return nil
        }
        return number
    }

    static func phoneNumber(in value: JSONValue) -> String? {
        switch value {
        case .integer(let number):
            return number > 0 ? normalisedPhoneNumber(String(number)) : nil
        case .double(let number):
            guard number.isFinite, number > 0, number < 1e19, number == number.rounded() else { return nil }
            return normalisedPhoneNumber(String(UInt64(number)))
        case .string(let text):
            return normalisedPhoneNumber(text)
        default:
            return nil
        }
    }

    /// `+` and 3 to 20 digits once spaces, dashes, dots and parentheses are removed; or an
    /// alphanumeric sender id.
    static func normalisedPhoneNumber(_ text: String) -> String? {
        let trimmed = text.trimmingBlanks()
        let compact = String(String.UnicodeScalarView(trimmed.unicodeScalars.filter { !" -.()\u{00A0}".unicodeScalars.contains($0) }))
        if isPhoneNumberLike(compact) {
            return compact
        }
        let isSenderID = (1...11).contains(trimmed.unicodeScalars.count)
            && trimmed.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
            && trimmed.unicodeScalars.contains { $0.properties.isAlphabetic }
        return isSenderID ? trimmed : nil
    }

    static func isPhoneNumberLike(_ text: String) -> Bool {
        var digits = text.utf8[...]
        if digits.first == UInt8(ascii: "+") {
            digits = digits.dropFirst()
        }
        return (3...20).contains(digits.count)
            && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// A message id: a non-blank string (or an integer) without control characters, at most 256
    /// characters. Without it the message cannot be stored once, so it is required.
    func identifier(_ key: String) throws(PayloadError) -> String {
        let value = try value(key)
        let id: String
        switch value {
        case .string(let text): id = text
        case .integer(let number): id = String(number)
        default: throw mismatch(key, expected: "a string", found: value)
        }
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

    /// Text from a string, or from a number or boolean written as text; nil for absent, `null`,
    /// arrays and objects. Never fails.
    func text(_ key: String) -> String? {
        switch fields[key] {
        case .string(let text)?: text
        case .integer(let number)?: String(number)
        case .double(let number)? where number.isFinite: String(number)
        case .bool(let flag)?: String(flag)
        default: nil
        }
    }

    /// A flag as `true`/`false`, `"true"`/`"false"`, `1`/`0`; nil for anything else. Never fails.
    func flag(_ key: String) -> Bool? {
        switch fields[key] {
        case .bool(let flag)?: return flag
        case .integer(let number)? where number == 0 || number == 1: return number == 1
        case .string(let text)?:
            switch text.trimmingBlanks().lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// A byte count from a number or a numeric string; nil when it is neither or negative. Never fails.
    func size(_ key: String) -> Int? {
        switch fields[key] {
        case .integer(let number)?:
            return number >= 0 ? Int(exactly: number) : nil
        case .double(let number)? where number.isFinite && number >= 0 && number < 1e15 && number == number.rounded():
            return Int(number)
        case .string(let text)?:
            return Int(text.trimmingBlanks()).flatMap { $0 >= 0 ? $0 : nil }
        default:
            return nil
        }
    }

    /// The time in a field (see ``CarrierTimestamp``); nil, with a notice, when there is one that
    /// cannot be read or is out of range.
    func timestamp(_ key: String, notices: inout [ParseNotice]) -> Date? {
        guard let value = fields[key], value != .null else { return nil }
        guard let date = CarrierTimestamp.read(value) else {
            notices.append(ParseNotice(field: path(of: key), "is not a readable time from 1970 to 9999; the arrival time is used"))
            return nil
        }
        return date
    }

    /// A nested object, or nil when the field is absent or not an object. Never fails.
    func lenientObject(_ key: String) -> JSONObjectReader? {
        guard case .object(let nested)? = fields[key] else { return nil }
        return JSONObjectReader(nested, path: path(of: key))
    }

    /// The objects of an array (others skipped), a single object as an array of one, or none.
    func lenientObjects(_ key: String) -> [JSONObjectReader] {
        switch fields[key] {
        case .object(let nested)?:
            return [JSONObjectReader(nested, path: path(of: key))]
        case .array(let elements)?:
            return elements.enumerated().compactMap { index, element in
                guard case .object(let nested) = element else { return nil }
                return JSONObjectReader(nested, path: JSONPath.appending(index: index, to: path(of: key)))
            }
        default:
            return []
        }
    }
}
