import Foundation

/// An expression's placeholders: `#name` for attribute names (needed for reserved words such as
/// `state`) and `:value` for values.
public struct DynamoDBExpression: Sendable, Equatable {
    /// The expression itself, e.g. `attribute_not_exists(#id) OR #state = :sending`.
    public var text: String
    public var names: [String: String]
    public var values: DynamoDBItem

    public init(_ text: String, names: [String: String] = [:], values: DynamoDBItem = [:]) {
        self.text = text
        self.names = names
        self.values = values
    }
}

/// The operations of DynamoDB's JSON API (`DynamoDB_20120810`) that the client makes.
public enum DynamoDBOperation: String, Sendable, CaseIterable {
    case putItem = "PutItem"
    case getItem = "GetItem"
    case updateItem = "UpdateItem"
    case deleteItem = "DeleteItem"

    /// The `X-Amz-Target` header that names the operation.
    public var target: String { "DynamoDB_20120810.\(rawValue)" }
}

/// The body of one request: the table, the item or its key, and the expressions.
///
/// Keys are sorted and the JSON compact, so the same request always gives the same bytes.
struct DynamoDBRequestBody: Encodable, Equatable {
    var tableName: String
    var item: DynamoDBItem?
    var key: DynamoDBItem?
    var updateExpression: String?
    var condition: String?
    var names: [String: String] = [:]
    var values: DynamoDBItem = [:]
    /// `ALL_OLD` on a conditional write: a failed check answers with the item as it is.
    var returnsItemOnConditionFailure = false
    var consistentRead: Bool?

    private enum Keys: String, CodingKey {
        case tableName = "TableName", item = "Item", key = "Key", updateExpression = "UpdateExpression"
        case condition = "ConditionExpression", names = "ExpressionAttributeNames", values = "ExpressionAttributeValues"
        case returnValuesOnConditionCheckFailure = "ReturnValuesOnConditionCheckFailure", consistentRead = "ConsistentRead"
    }

    /// Adds an expression's placeholders to those of the request.
    mutating func merge(_ expression: DynamoDBExpression) {
        names.merge(expression.names) { $1 }
        values.merge(expression.values) { $1 }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(tableName, forKey: .tableName)
        try container.encodeIfPresent(item, forKey: .item)
        try container.encodeIfPresent(key, forKey: .key)
        try container.encodeIfPresent(updateExpression, forKey: .updateExpression)
        try container.encodeIfPresent(condition, forKey: .condition)
        if !names.isEmpty { try container.encode(names, forKey: .names) }
        if !values.isEmpty { try container.encode(values, forKey: .values) }
        if returnsItemOnConditionFailure, condition != nil {
            try container.encode("ALL_OLD", forKey: .returnValuesOnConditionCheckFailure)
        }
        try container.encodeIfPresent(consistentRead, forKey: .consistentRead)
    }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}

/// The part of an answer that matters: `{"Item": {…}}` of `GetItem`, or `{}`.
struct DynamoDBItemAnswer: Decodable {
    var item: DynamoDBItem?

    private enum CodingKeys: String, CodingKey {
        case item = "Item"
    }
}
