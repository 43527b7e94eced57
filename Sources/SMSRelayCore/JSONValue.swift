import Foundation

/// A parsed JSON document, kept with the exact kind of every value, so that a
/// payload parser can say "`to` must be a string, not a number" instead of
/// passing on a decoder's error dump.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number that fits in 64 bits without a fraction.
    case integer(Int64)
    /// Any other representable number.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// How an error message names this kind of value: "a string", "null", …
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue {
    /// Callback bodies from carriers nest a handful of levels; anything deeper
    /// is refused before decoding so that recursion stays shallow on any stack.
    static let maximumNestingDepth = 64

    /// Parses a whole body. Every failure, including a string with invalid
    /// UTF-8 or a number too large to represent, becomes a `malformedJSON`
    /// error that names the path of the bad value when there is one.
    static func parse(_ data: Data) throws(PayloadError) -> JSONValue {
        if data.isEmpty {
            throw PayloadError.malformedJSON("the body is empty")
        }
        if exceedsNestingDepth(data, limit: maximumNestingDepth) {
            throw PayloadError.malformedJSON("arrays and objects are nested more than \(maximumNestingDepth) levels deep")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw diagnose(data, error)
        }
    }

    /// Counts `[` and `{` outside strings. The count can be wrong only for
    /// input that is not valid JSON, which the decoder refuses before any
    /// value is built.
    private static func exceedsNestingDepth(_ data: Data, limit: Int) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
        return false
    }

    /// Turns a decoder failure into a message a sender can act on. The
    /// decoder itself only says "not valid JSON"; `JSONSerialization` names
    /// the problem and its position, so it is asked for the detail.
    private static func diagnose(_ data: Data, _ error: any Error) -> PayloadError {
        var path: String?
        if case let DecodingError.dataCorrupted(context) = error, !context.codingPath.isEmpty {
            path = JSONPath.render(context.codingPath)
        }
        var detail = "the text is not valid JSON"
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            if path != nil { detail = "the value cannot be read" }
        } catch {
            if let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String, !reason.isEmpty {
                detail = JSONPath.abbreviate(reason, to: 120)
            }
        }
        guard let path else { return .malformedJSON(detail) }
        return PayloadError(.malformedJSON, field: path, "body is not valid JSON at '\(path)': \(detail)")
    }
}

extension JSONValue: Decodable {
    init(from decoder: any Decoder) throws {
        // Each failed attempt below costs a thrown error, so the kinds are
        // tried roughly from most to least common in a callback: strings,
        // objects, arrays, then the other scalars.
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
            return
        }
        if let value = try? single.decode(String.self) {
            self = .string(value)
            return
        }
        // Children are decoded with `try`, so that a bad value deep inside
        // reports its own coding path.
        if let object = try? decoder.container(keyedBy: JSONKey.self) {
            var fields: [String: JSONValue] = [:]
            fields.reserveCapacity(object.allKeys.count)
            for key in object.allKeys {
                fields[key.stringValue] = try object.decode(JSONValue.self, forKey: key)
            }
            self = .object(fields)
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !array.isAtEnd {
                elements.append(try array.decode(JSONValue.self))
            }
            self = .array(elements)
            return
        }
        if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? single.decode(Double.self), value.isFinite {
            self = .double(value)
        } else {
            // A string with invalid UTF-8 or an unpaired surrogate, or a
            // number out of range: the document as a whole is not usable.
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "unreadable value")
            )
        }
    }
}

/// Any object key, as the decoder hands it over.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) {
        nil
    }
}

/// JSON paths as errors show them: `data.attributes.from`, `included[0].id`.
enum JSONPath {
    static func appending(_ key: String, to path: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    static func appending(index: Int, to path: String) -> String {
        "\(path)[\(index)]"
    }

    static func render(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path = appending(index: index, to: path)
            } else {
                path = appending(key.stringValue, to: path)
            }
        }
        return path
    }

    /// A value or message cut to `limit` characters, for quoting in an error
    /// without echoing an arbitrarily long input back.
    static func abbreviate(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// A value quoted for an error message, with control characters escaped.
    static func quote(_ text: String, limit: Int = 40) -> String {
        abbreviate(text, to: limit).debugDescription
    }
}
