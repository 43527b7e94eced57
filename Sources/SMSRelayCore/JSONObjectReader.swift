/// Reads the fields of one JSON object and knows where that object sits in
/// the document, so every failure and notice names the full path of the field.
///
/// The strict accessors here are for what a callback cannot do without; the liberal ones, for
/// everything else, are in `JSONObjectReader+Validation.swift`.
struct JSONObjectReader {
    let fields: [String: JSONValue]
    /// Path of this object from the document root; empty for the root itself.
    let path: String

    init(_ fields: [String: JSONValue], path: String = "") {
        self.fields = fields
        self.path = path
    }

    func path(of key: String) -> String {
        JSONPath.appending(key, to: path)
    }

    func contains(_ key: String) -> Bool {
        fields[key] != nil
    }

    /// The value of a field that must be present; `null` counts as present.
    func value(_ key: String) throws(PayloadError) -> JSONValue {
        guard let value = fields[key] else { throw .missing(path(of: key)) }
        return value
    }

    func object(_ key: String) throws(PayloadError) -> JSONObjectReader {
        let value = try value(key)
        guard case let .object(nested) = value else { throw mismatch(key, expected: "an object", found: value) }
        return JSONObjectReader(nested, path: path(of: key))
    }

    /// The error for a value of the wrong kind: "field 'to' must be a string, not a number".
    func mismatch(_ key: String, expected: String, found: JSONValue) -> PayloadError {
        .wrongType(path(of: key), expected: "\(expected), not \(found.kindDescription)")
    }
}
