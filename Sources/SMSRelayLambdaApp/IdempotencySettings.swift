import Foundation

/// Lambda: the DynamoDB table each text is claimed in before it is sent
/// (`SMSRELAY_IDEMPOTENCY_TABLE`), and where DynamoDB is.
public struct IdempotencySettings: Sendable, Equatable {
    public var table: String
    /// An endpoint override; nil: `https://dynamodb.<region>.amazonaws.com`.
    public var endpoint: URL?

    public init(table: String, endpoint: URL? = nil) {
        self.table = table
        self.endpoint = endpoint
    }

    /// Whether `name` follows DynamoDB's table naming rules: 3 to 255 of letters, digits, `_`, `-` and `.`.
    package static func isTableName(_ name: String) -> Bool {
        (3...255).contains(name.utf8.count)
            && name.utf8.allSatisfy {
                (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F || $0 == 0x2D
                    || $0 == 0x2E
            }
    }
}
