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
    /// Arrays and objects nested deeper than this are checked but read as `null`: no carrier
    /// nests more than a handful of levels, and the parser recurses once per level.
    static let maximumNestingDepth = 64

    /// Parses a whole body with ``JSONReader``. Liberal where that loses nothing: invalid UTF-8
    /// and lone UTF-16 surrogates become U+FFFD, control characters in strings are kept, numbers
    /// of any size are read (as `.double`, infinite if need be), a byte-order mark is skipped.
    /// What is not JSON at all becomes a `malformedJSON` error that says where.
    static func parse(_ data: some Collection<UInt8>) throws(PayloadError) -> JSONValue {
        var reader = JSONReader(Array(data), maximumDepth: maximumNestingDepth)
        return try reader.readDocument()
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
