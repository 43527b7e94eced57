import Foundation

extension MotoServer {
    /// Creates a table in moto's DynamoDB as template.yaml does: partition key `id` (a string),
    /// on-demand, time to live on `expires`.
    public func createTable(_ table: String) async throws {
        _ = try await dynamoDB(["create", table])
    }

    /// Writes `item` (DynamoDB JSON: `["id": ["S": "…"], "started": ["N": "…"]]`) into `table`.
    public func putItem(_ item: [String: [String: String]], table: String) async throws {
        let json = String(decoding: try JSONEncoder().encode(item), as: UTF8.self)
        _ = try await dynamoDB(["put", table, json])
    }

    /// The item with `id` in `table`, each attribute as its value's text (`S` or `N`); nil when there is none.
    public func item(_ id: String, table: String) async throws -> [String: String]? {
        let printed = try await dynamoDB(["get", table, id])
        guard let object = try JSONSerialization.jsonObject(with: printed, options: .fragmentsAllowed) as? [String: [String: Any]] else {
            return nil
        }
        return object.compactMapValues { value in
            (value["S"] as? String) ?? (value["N"] as? String) ?? (value["BOOL"] as? Bool).map { "\($0)" }
        }
    }

    private func dynamoDB(_ arguments: [String]) async throws -> Data {
        let command = arguments[0]
        let rest = Array(arguments.dropFirst())
        return try await PythonScript.run(
            "moto_dynamodb.py", [command, endpoint, userCredentials.accessKeyID, userCredentials.secretAccessKey] + rest)
    }
}
