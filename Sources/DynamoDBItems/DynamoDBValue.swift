/// One attribute value in DynamoDB's JSON, `{"S": "…"}` or `{"N": "…"}` and the like.
///
/// Only the types an item of ours holds are read and written; any other type an answer carries
/// is kept as ``unsupported(_:)``, so that reading an item never fails because of an attribute
/// we do not use.
public enum DynamoDBValue: Sendable, Equatable, Hashable {
    /// `S`: a string.
    case string(String)
    /// `N`: a number, as DynamoDB sends it (a decimal string).
    case number(String)
    /// `BOOL`.
    case bool(Bool)
    /// `NULL`.
    case null
    /// Any other type (`B`, `SS`, `M`, `L`, …), by its type name; never sent.
    case unsupported(String)

    /// A whole number.
    public static func integer(_ value: Int) -> DynamoDBValue { .number(String(value)) }

    /// The string of an `S` value.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The whole number of an `N` value; nil for any other type or a fraction.
    public var integerValue: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }
}

/// An item, or the key of one: attribute names and their values.
public typealias DynamoDBItem = [String: DynamoDBValue]

extension DynamoDBValue: Codable {
    private struct TypeKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        guard let key = container.allKeys.first, container.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "an attribute value has exactly one type key"))
        }
        switch key.stringValue {
        case "S": self = .string(try container.decode(String.self, forKey: key))
        case "N": self = .number(try container.decode(String.self, forKey: key))
        case "BOOL": self = .bool(try container.decode(Bool.self, forKey: key))
        case "NULL": self = .null
        default: self = .unsupported(key.stringValue)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        switch self {
        case .string(let text): try container.encode(text, forKey: TypeKey(stringValue: "S"))
        case .number(let text): try container.encode(text, forKey: TypeKey(stringValue: "N"))
        case .bool(let flag): try container.encode(flag, forKey: TypeKey(stringValue: "BOOL"))
        case .null: try container.encode(true, forKey: TypeKey(stringValue: "NULL"))
        case .unsupported(let type):
            throw EncodingError.invalidValue(
                self, .init(codingPath: encoder.codingPath, debugDescription: "an attribute of type \(type) cannot be sent"))
        }
    }
}
