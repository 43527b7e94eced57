import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import SigV4

/// Writes and reads single items of DynamoDB tables through its JSON API, signed with Signature
/// Version 4 (service `dynamodb`).
///
/// Just what a conditional claim needs: `PutItem`, `GetItem`, `UpdateItem` and `DeleteItem`, each
/// a `POST /` with `X-Amz-Target: DynamoDB_20120810.<operation>` and a
/// `application/x-amz-json-1.0` body. Every failure is a ``DynamoDBError`` saying whether a retry
/// can help; a failed condition carries the item as it is. The client does not retry: its caller
/// knows how much time it has. The credentials are asked for before every request.
public struct DynamoDBClient: Sendable {
    public let configuration: DynamoDBConfiguration
    private let httpClient: HTTPClient
    private let logger: Logger

    /// The largest answer read; an item of ours is a few hundred bytes.
    private static let maximumResponseSize = 1 << 20

    public init(configuration: DynamoDBConfiguration, httpClient: HTTPClient = .shared, logger: Logger) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
    }

    /// Writes `item` whole, if `condition` holds.
    /// - Parameter returningItemOnFailure: on a failed condition, have DynamoDB send the item as it
    ///   is (`ReturnValuesOnConditionCheckFailure: ALL_OLD`) in ``DynamoDBError/item``.
    public func putItem(
        table: String, item: DynamoDBItem, condition: DynamoDBExpression? = nil, returningItemOnFailure: Bool = false
    ) async throws(DynamoDBError) {
        var body = DynamoDBRequestBody(tableName: table, item: item, condition: condition?.text)
        condition.map { body.merge($0) }
        body.returnsItemOnConditionFailure = returningItemOnFailure
        _ = try await send(.putItem, table: table, body: body)
    }

    /// The item with `key`, nil when there is none.
    /// - Parameter consistent: a strongly consistent read, which sees every write that succeeded before it.
    public func getItem(table: String, key: DynamoDBItem, consistent: Bool = true) async throws(DynamoDBError) -> DynamoDBItem? {
        let body = DynamoDBRequestBody(tableName: table, key: key, consistentRead: consistent)
        let answer = try await send(.getItem, table: table, body: body)
        do {
            return try JSONDecoder().decode(DynamoDBItemAnswer.self, from: Data(answer)).item
        } catch {
            throw DynamoDBError(.unavailable, "DynamoDB's answer to GetItem on table \(table) is not an item: \(error)")
        }
    }

    /// Applies `update` (e.g. `SET #state = :sent`) to the item with `key`, creating it if there is
    /// none, if `condition` holds.
    public func updateItem(
        table: String, key: DynamoDBItem, update: DynamoDBExpression, condition: DynamoDBExpression? = nil,
        returningItemOnFailure: Bool = false
    ) async throws(DynamoDBError) {
        var body = DynamoDBRequestBody(tableName: table, key: key, updateExpression: update.text, condition: condition?.text)
        body.merge(update)
        condition.map { body.merge($0) }
        body.returnsItemOnConditionFailure = returningItemOnFailure
        _ = try await send(.updateItem, table: table, body: body)
    }

    /// Deletes the item with `key`, if `condition` holds; deleting an item that is not there succeeds.
    public func deleteItem(
        table: String, key: DynamoDBItem, condition: DynamoDBExpression? = nil, returningItemOnFailure: Bool = false
    ) async throws(DynamoDBError) {
        var body = DynamoDBRequestBody(tableName: table, key: key, condition: condition?.text)
        condition.map { body.merge($0) }
        body.returnsItemOnConditionFailure = returningItemOnFailure
        _ = try await send(.deleteItem, table: table, body: body)
    }

    private func send(_ operation: DynamoDBOperation, table: String, body: DynamoDBRequestBody) async throws(DynamoDBError) -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try body.encoded()
        } catch {
            throw DynamoDBError(.refused, "cannot encode \(operation.rawValue) on table \(table): \(error)")
        }
        let credentials: AWSCredentials
        do {
            credentials = try await configuration.credentials.credentials()
        } catch {
            throw DynamoDBError(.unavailable, "cannot get AWS credentials to sign \(operation.rawValue) on table \(table): \(error)")
        }
        let request = signedRequest(operation, body: bytes, at: Date(), credentials: credentials)

        let status: Int
        let answer: [UInt8]
        do {
            let response = try await httpClient.execute(request, timeout: .init(configuration.requestTimeout))
            status = Int(response.status.code)
            answer = Array(buffer: try await response.body.collect(upTo: Self.maximumResponseSize))
        } catch {
            throw DynamoDBError(
                .unavailable,
                "could not complete \(operation.rawValue) on table \(table) at \(configuration.endpoint.absoluteString): \(error)")
        }
        guard (200..<300).contains(status) else {
            let failure = DynamoDBError.answer(status: status, body: answer, operation: operation, table: table)
            logger.debug(
                "DynamoDB did not do a request",
                metadata: ["operation": "\(operation.rawValue)", "status": "\(status)", "error_code": "\(failure.code ?? "none")"])
            throw failure
        }
        return answer
    }

    /// The request for `operation` with `body`, signed with `credentials` as made at `date`.
    func signedRequest(_ operation: DynamoDBOperation, body: [UInt8], at date: Date, credentials: AWSCredentials) -> HTTPClientRequest {
        let target = configuration.target
        let signer = SigV4Signer(credentials: credentials, region: configuration.region, service: "dynamodb")
        let signed = signer.sign(
            SigV4Request(
                method: "POST",
                path: target.path,
                headers: [
                    ("Host", configuration.hostHeader),
                    ("Content-Type", "application/x-amz-json-1.0"),
                    ("X-Amz-Target", operation.target),
                ],
                payload: .bytes(body)),
            at: date)
        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        for field in signed.headers {
            request.headers.add(name: field.name, value: field.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }
}
