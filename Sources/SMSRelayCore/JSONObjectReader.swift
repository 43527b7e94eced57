/// Reads the fields of one JSON object and knows where that object sits in
/// the document, so every failure names the full path of the field at fault.
///
/// "Optional" accessors accept an absent field or `null`; a present value of
/// the wrong kind is always an error.
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

    func string(_ key: String) throws(PayloadError) -> String {
        let value = try value(key)
        guard case let .string(text) = value else { throw mismatch(key, expected: "a string", found: value) }
        return text
    }

    func optionalString(_ key: String) throws(PayloadError) -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case let .string(text)?: return text
        case let other?: throw mismatch(key, expected: "a string", found: other)
        }
    }

    func optionalBool(_ key: String) throws(PayloadError) -> Bool? {
        switch fields[key] {
        case nil, .null?: return nil
        case let .bool(flag)?: return flag
        case let other?: throw mismatch(key, expected: "a boolean", found: other)
        }
    }

    func optionalInteger(_ key: String) throws(PayloadError) -> Int? {
        switch fields[key] {
        case nil, .null?: return nil
        case let .integer(number)?:
            guard let exact = Int(exactly: number) else { throw mismatch(key, expected: "an integer", found: .integer(number)) }
            return exact
        case let other?: throw mismatch(key, expected: "an integer", found: other)
        }
    }

    func object(_ key: String) throws(PayloadError) -> JSONObjectReader {
        let value = try value(key)
        guard case let .object(nested) = value else { throw mismatch(key, expected: "an object", found: value) }
        return JSONObjectReader(nested, path: path(of: key))
    }

    func optionalObject(_ key: String) throws(PayloadError) -> JSONObjectReader? {
        switch fields[key] {
        case nil, .null?: return nil
        case let .object(nested)?: return JSONObjectReader(nested, path: path(of: key))
        case let other?: throw mismatch(key, expected: "an object", found: other)
        }
    }

    /// An array whose every element must be an object, e.g. JSON:API `included`.
    func optionalObjectArray(_ key: String) throws(PayloadError) -> [JSONObjectReader]? {
        let elements: [JSONValue]
        switch fields[key] {
        case nil, .null?: return nil
        case let .array(values)?: elements = values
        case let other?: throw mismatch(key, expected: "an array", found: other)
        }
        var readers: [JSONObjectReader] = []
        readers.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let elementPath = JSONPath.appending(index: index, to: path(of: key))
            guard case let .object(nested) = element else {
                throw .wrongType(elementPath, expected: "an object, not \(element.kindDescription)")
            }
            readers.append(JSONObjectReader(nested, path: elementPath))
        }
        return readers
    }

    /// The error for a value of the wrong kind: "field 'to' must be a string, not a number".
    func mismatch(_ key: String, expected: String, found: JSONValue) -> PayloadError {
        .wrongType(path(of: key), expected: "\(expected), not \(found.kindDescription)")
    }
}
