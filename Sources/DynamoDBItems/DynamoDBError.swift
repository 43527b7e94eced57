import Foundation

/// Why DynamoDB did not do what was asked, and whether trying again can help.
///
/// The JSON API answers an error with its type in `__type`
/// (`com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`) and its words in
/// `message` (or `Message`); a conditional write asked for `ALL_OLD` also carries the item that
/// failed the check in `Item`. No error shows a credential or a signature.
public struct DynamoDBError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The condition of a write did not hold: nothing was written. ``DynamoDBError/item`` is
        /// the item as it is, when DynamoDB sent it.
        case conditionalCheckFailed
        /// Too many requests for the table or the account (`ProvisionedThroughputExceededException`,
        /// `ThrottlingException`, `RequestLimitExceeded`): later may work.
        case throttled
        /// DynamoDB could not be reached, did not answer in time, answered 5xx or could not be
        /// signed for (no credentials now): later may work.
        case unavailable
        /// Refused for good: no such table, no permission, a bad signature or request.
        case refused
    }

    public let kind: Kind
    /// The error type DynamoDB named, without its namespace, e.g. `ResourceNotFoundException`.
    public let code: String?
    /// The HTTP status, when there was an answer.
    public let status: Int?
    /// What happened and, where it helps, what to check.
    public let message: String
    /// The item that failed a condition check (`ReturnValuesOnConditionCheckFailure: ALL_OLD`).
    public let item: DynamoDBItem?

    public init(_ kind: Kind, code: String? = nil, status: Int? = nil, _ message: String, item: DynamoDBItem? = nil) {
        self.kind = kind
        self.code = code
        self.status = status
        self.message = message
        self.item = item
    }

    public var description: String { message }

    /// Whether a later attempt may succeed.
    public var isTransient: Bool { kind == .throttled || kind == .unavailable }

    static let throttlingCodes: Set<String> = [
        "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "Throttling",
    ]
    static let credentialCodes: Set<String> = [
        "UnrecognizedClientException", "InvalidSignatureException", "MissingAuthenticationTokenException",
        "IncompleteSignatureException", "ExpiredTokenException", "AccessDeniedException",
    ]

    /// The error of an answer that was not 2xx to `operation` on `table`.
    static func answer(status: Int, body: [UInt8], operation: DynamoDBOperation, table: String) -> DynamoDBError {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.prefix(1 << 16)))) as? [String: Any]
        let code = (object?["__type"] as? String).flatMap(cleanedCode)
        let words = ((object?["message"] ?? object?["Message"]) as? String).map { cleanedText($0) }
        var item: DynamoDBItem?
        if let raw = object?["Item"], let data = try? JSONSerialization.data(withJSONObject: raw) {
            item = try? JSONDecoder().decode(DynamoDBItem.self, from: data)
        }
        let said = [code, words].compactMap { $0 }.joined(separator: ": ")
        let answer = "\(status)\(said.isEmpty ? "" : " (\(said))")"
        let request = "\(operation.rawValue) on table \(table)"

        if code == "ConditionalCheckFailedException" {
            return DynamoDBError(.conditionalCheckFailed, code: code, status: status, "the condition of \(request) did not hold", item: item)
        }
        if let code, throttlingCodes.contains(code) {
            return DynamoDBError(.throttled, code: code, status: status, "DynamoDB throttled \(request): \(answer); try again later")
        }
        if status >= 500 || status == 408 || status == 429 {
            return DynamoDBError(.unavailable, code: code, status: status, "DynamoDB answered \(request) with \(answer); try again later")
        }
        let hint: String
        switch code {
        case "ResourceNotFoundException"?:
            hint = "; check that the table exists in region and account of the credentials"
        case let code? where credentialCodes.contains(code):
            hint = "; check the credentials and their permissions (dynamodb:PutItem, UpdateItem, DeleteItem, GetItem on the table)"
        default:
            hint = ""
        }
        return DynamoDBError(.refused, code: code, status: status, "DynamoDB refused \(request) with \(answer)\(hint)")
    }

    /// `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → `ConditionalCheckFailedException`.
    static func cleanedCode(_ raw: String) -> String? {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : cleanedText(trimmed, limit: 100)
    }

    /// Control characters become spaces and the text is cut at `limit` characters: what AWS
    /// says ends up in logs.
    static func cleanedText(_ text: String, limit: Int = 300) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            output.unicodeScalars.append(scalar.properties.generalCategory == .control ? " " : scalar)
        }
        output = output.trimmingCharacters(in: .whitespaces)
        return output.count > limit ? String(output.prefix(limit)) + "…" : output
    }
}
