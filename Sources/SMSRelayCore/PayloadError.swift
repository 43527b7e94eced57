/// Why a carrier callback body was refused. Each case names what was wrong,
/// so that the HTTP answer (`400 {"error": …}`) tells the sender what to fix.
public struct PayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case malformedJSON
        case missingField
        case wrongType
        case invalidValue
        case unknownShape
    }

    public let code: Code
    /// The JSON path of the field at fault, e.g. `data.attributes.from`; nil when the whole body is at fault.
    public let field: String?
    public let description: String

    public init(_ code: Code, field: String?, _ description: String) {
        self.code = code
        self.field = field
        self.description = description
    }

    public static func malformedJSON(_ detail: String) -> PayloadError {
        PayloadError(.malformedJSON, field: nil, "body is not valid JSON: \(detail)")
    }

    public static func missing(_ field: String) -> PayloadError {
        PayloadError(.missingField, field: field, "missing required field '\(field)'")
    }

    public static func wrongType(_ field: String, expected: String) -> PayloadError {
        PayloadError(.wrongType, field: field, "field '\(field)' must be \(expected)")
    }

    public static func invalid(_ field: String, _ reason: String) -> PayloadError {
        PayloadError(.invalidValue, field: field, "field '\(field)' \(reason)")
    }

    public static func unknownShape(_ detail: String) -> PayloadError {
        PayloadError(.unknownShape, field: nil, "unrecognised payload: \(detail)")
    }
}
