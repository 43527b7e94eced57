/// One header field of a received email or MIME part, as written.
public struct ReceivedHeader: Sendable, Equatable {
    /// The field name as written (`Subject`, `content-type`).
    public var name: String
    /// The value unfolded (each line break before white space removed), without the white space
    /// around it, and otherwise raw: encoded words are not decoded. Bytes that are not UTF-8 are
    /// read as Windows-1252 (Latin-1).
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Whether this field is called `name`, ignoring case.
    func isNamed(_ name: String) -> Bool {
        self.name.utf8.count == name.utf8.count && self.name.lowercased() == name.lowercased()
    }
}
