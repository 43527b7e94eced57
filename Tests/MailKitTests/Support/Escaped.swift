import Testing

/// A test argument shown with its control characters escaped, so a CR or LF in it does not
/// break the test report.
struct Escaped: Sendable, CustomTestStringConvertible, ExpressibleByStringLiteral {
    var value: String

    init(_ value: String) {
        self.value = value
    }

    init(stringLiteral value: String) {
        self.value = value
    }

    var testDescription: String { value.debugDescription }
}
