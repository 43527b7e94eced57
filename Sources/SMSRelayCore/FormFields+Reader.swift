extension FormFields {
    /// The fields as a JSON object of strings, the first value of each name, so that a form
    /// callback is read with the same liberal accessors as a JSON one (ids, numbers, sizes,
    /// times) and its errors and notices name the form field.
    var reader: JSONObjectReader {
        var object: [String: JSONValue] = [:]
        for field in fields where object[field.name] == nil {
            object[field.name] = .string(field.value)
        }
        return JSONObjectReader(object)
    }
}

extension JSONObjectReader {
    /// The value of the first of `keys` that is present, read by `read`; the error for the first
    /// key when none is.
    func first<Value>(of keys: [String], _ read: (String) throws(PayloadError) -> Value) throws(PayloadError) -> Value {
        try read(keys.first(where: contains) ?? keys[0])
    }

    /// The text of the first of `keys` that has some.
    func text(anyOf keys: [String]) -> String? {
        keys.lazy.compactMap { text($0) }.first
    }

    /// The text of a field with blanks trimmed; nil when that leaves nothing.
    func trimmedText(_ key: String) -> String? {
        guard let text = text(key)?.trimmingBlanks(), !text.isEmpty else { return nil }
        return text
    }
}
