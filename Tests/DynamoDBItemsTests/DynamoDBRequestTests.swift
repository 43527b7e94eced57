import AsyncHTTPClient
@testable import DynamoDBItems
import Foundation
import Logging
import SigV4
import Testing

@Suite("DynamoDB JSON requests and error answers")
struct DynamoDBRequestTests {
    static let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    func text(_ body: DynamoDBRequestBody) throws -> String {
        String(decoding: try body.encoded(), as: UTF8.self)
    }

    @Test("a conditional PutItem is compact JSON with sorted keys, typed values, the placeholders and ALL_OLD")
    func putItemBody() throws {
        var body = DynamoDBRequestBody(
            tableName: "smsrelay-idempotency",
            item: ["id": .string("flowroute:mdr1-a"), "started": .integer(1_700_000_000), "done": .bool(false), "none": .null],
            condition: "attribute_not_exists(#id) OR #state = :sending")
        body.merge(DynamoDBExpression("", names: ["#id": "id", "#state": "state"], values: [":sending": .string("sending")]))
        body.returnsItemOnConditionFailure = true
        #expect(try text(body) == #"{"ConditionExpression":"attribute_not_exists(#id) OR #state = :sending","#
            + ##""ExpressionAttributeNames":{"#id":"id","#state":"state"},"ExpressionAttributeValues":{":sending":{"S":"sending"}},"##
            + ##""Item":{"done":{"BOOL":false},"id":{"S":"flowroute:mdr1-a"},"none":{"NULL":true},"started":{"N":"1700000000"}},"##
            + ##""ReturnValuesOnConditionCheckFailure":"ALL_OLD","TableName":"smsrelay-idempotency"}"##)
    }

    @Test("UpdateItem, DeleteItem and GetItem carry the key; no condition, no ReturnValuesOnConditionCheckFailure")
    func otherBodies() throws {
        var update = DynamoDBRequestBody(tableName: "t", key: ["id": .string("k")], updateExpression: "SET #state = :sent")
        update.merge(DynamoDBExpression("SET #state = :sent", names: ["#state": "state"], values: [":sent": .string("sent")]))
        update.returnsItemOnConditionFailure = true
        #expect(try text(update) == ##"{"ExpressionAttributeNames":{"#state":"state"},"ExpressionAttributeValues":{":sent":{"S":"sent"}},"##
            + ##""Key":{"id":{"S":"k"}},"TableName":"t","UpdateExpression":"SET #state = :sent"}"##)
        #expect(try text(DynamoDBRequestBody(tableName: "t", key: ["id": .string("k")])) == #"{"Key":{"id":{"S":"k"}},"TableName":"t"}"#)
        #expect(try text(DynamoDBRequestBody(tableName: "t", key: ["id": .string("k")], consistentRead: true))
            == #"{"ConsistentRead":true,"Key":{"id":{"S":"k"}},"TableName":"t"}"#)
    }

    @Test("an attribute of a type we do not use is read, never sent")
    func unsupportedValues() throws {
        let item = try JSONDecoder().decode(
            DynamoDBItem.self, from: Data(#"{"a":{"S":"x"},"b":{"N":"12"},"c":{"SS":["p","q"]},"d":{"M":{}}}"#.utf8))
        #expect(item == ["a": .string("x"), "b": .number("12"), "c": .unsupported("SS"), "d": .unsupported("M")])
        #expect(item["b"]?.integerValue == 12 && item["a"]?.integerValue == nil && item["a"]?.stringValue == "x")
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(["c": DynamoDBValue.unsupported("SS")]) }
    }

    @Test("the request is a signed POST / to the region's endpoint with the target, the JSON 1.0 type and service dynamodb")
    func signedRequest() throws {
        let client = DynamoDBClient(
            configuration: DynamoDBConfiguration(credentials: Self.credentials, region: "eu-west-1"), logger: Logger(label: "test"))
        #expect(client.configuration.endpoint.absoluteString == "https://dynamodb.eu-west-1.amazonaws.com")
        let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
        let request = client.signedRequest(.putItem, body: Array("{}".utf8), at: date, credentials: Self.credentials)
        #expect(request.url == "https://dynamodb.eu-west-1.amazonaws.com/")
        #expect(request.method == .POST)
        #expect(request.headers["X-Amz-Target"] == ["DynamoDB_20120810.PutItem"])
        #expect(request.headers["Content-Type"] == ["application/x-amz-json-1.0"])
        #expect(request.headers["Host"] == ["dynamodb.eu-west-1.amazonaws.com"])
        #expect(request.headers["X-Amz-Date"] == ["20150830T123600Z"])
        let authorization = try #require(request.headers["Authorization"].first)
        #expect(authorization.hasPrefix(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="))
        #expect(!authorization.contains(Self.credentials.secretAccessKey))

        // The signature is the signer's own for the same request.
        let expected = SigV4Signer(credentials: Self.credentials, region: "eu-west-1", service: "dynamodb").sign(
            SigV4Request(
                method: "POST", path: "/",
                headers: [("Host", "dynamodb.eu-west-1.amazonaws.com"), ("Content-Type", "application/x-amz-json-1.0"),
                          ("X-Amz-Target", "DynamoDB_20120810.PutItem")],
                payload: .bytes(Array("{}".utf8))),
            at: date)
        #expect(expected.headers.first { $0.name == "Authorization" }?.value == authorization)
        #expect(DynamoDBOperation.allCases.map(\.target) == [
            "DynamoDB_20120810.PutItem", "DynamoDB_20120810.GetItem", "DynamoDB_20120810.UpdateItem", "DynamoDB_20120810.DeleteItem",
        ])
    }

    @Test("an endpoint override keeps its port in Host and the URL; temporary credentials sign their token")
    func endpointOverride() throws {
        let session = AWSCredentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "s3cr3t-value", sessionToken: "token-value")
        let configuration = DynamoDBConfiguration(credentials: session, region: "us-east-1", endpoint: URL(string: "http://127.0.0.1:5000"))
        let client = DynamoDBClient(configuration: configuration, logger: Logger(label: "test"))
        let request = client.signedRequest(.getItem, body: [], at: Date(), credentials: session)
        #expect(request.url == "http://127.0.0.1:5000/")
        #expect(request.headers["Host"] == ["127.0.0.1:5000"])
        #expect(request.headers["X-Amz-Security-Token"] == ["token-value"])
        #expect(request.headers["Authorization"].first?.contains("x-amz-security-token") == true)
        #expect(!"\(configuration)".contains("s3cr3t-value") && !"\(configuration)".contains("token-value"))
    }

    @Test("a failed condition carries the item DynamoDB sent (message or Message), without its namespace")
    func conditionalCheckFailed() {
        for words in [#""message":"The conditional request failed""#, #""Message":"The conditional request failed""#] {
            let body = #"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",\#(words),"Item":{"id":{"S":"flowroute:a"},"state":{"S":"sent"}}}"#
            let error = DynamoDBError.answer(status: 400, body: Array(body.utf8), operation: .putItem, table: "t")
            #expect(error.kind == .conditionalCheckFailed)
            #expect(error.code == "ConditionalCheckFailedException")
            #expect(error.item == ["id": .string("flowroute:a"), "state": .string("sent")])
            #expect(!error.isTransient)
        }
        let bare = DynamoDBError.answer(
            status: 400, body: Array(#"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"}"#.utf8),
            operation: .deleteItem, table: "t")
        #expect(bare.kind == .conditionalCheckFailed && bare.item == nil)
    }

    @Test("throttling and 5xx are transient; a missing table, a refused key or a bad request are not, and say what to check")
    func errorKinds() {
        func error(_ status: Int, _ body: String) -> DynamoDBError {
            DynamoDBError.answer(status: status, body: Array(body.utf8), operation: .putItem, table: "relay-ids")
        }
        for type in ["com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", "com.amazon.coral.availability#ThrottlingException",
                     "com.amazonaws.dynamodb.v20120810#RequestLimitExceeded"] {
            let throttled = error(400, #"{"__type":"\#(type)","message":"Rate of requests exceeds the allowed throughput."}"#)
            #expect(throttled.kind == .throttled, "\(type)")
            #expect(throttled.isTransient)
            #expect(throttled.message.contains("PutItem on table relay-ids"))
        }
        #expect(error(500, #"{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}"#).kind == .unavailable)
        #expect(error(503, "<html>Service Unavailable</html>").kind == .unavailable)
        let missing = error(400, #"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}"#)
        #expect(missing.kind == .refused && missing.code == "ResourceNotFoundException")
        #expect(missing.message.contains("check that the table exists"), "\(missing)")
        let denied = error(400, #"{"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token included in the request is invalid."}"#)
        #expect(denied.kind == .refused && denied.message.contains("dynamodb:PutItem"), "\(denied)")
        let validation = error(400, "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\"One or more\\nparameter values were invalid\"}")
        #expect(validation.kind == .refused && validation.code == "ValidationException")
        #expect(!validation.message.contains("\n"))
        #expect(error(403, "").kind == .refused)
    }

    @Test("an endpoint that does not answer is unavailable, and so is one without credentials now")
    func unreachable() async throws {
        struct NoCredentials: AWSCredentialProvider {
            struct Failure: Error {}
            func credentials() async throws -> AWSCredentials { throw Failure() }
        }
        let closed = DynamoDBClient(
            configuration: DynamoDBConfiguration(
                credentials: Self.credentials, region: "us-east-1", endpoint: URL(string: "http://127.0.0.1:9"), requestTimeout: .seconds(2)),
            logger: Logger(label: "test"))
        do {
            try await closed.deleteItem(table: "t", key: ["id": .string("k")])
            Issue.record("a closed port answered")
        } catch {
            #expect(error.kind == .unavailable && error.isTransient, "\(error)")
        }
        let noKey = DynamoDBClient(
            configuration: DynamoDBConfiguration(credentials: NoCredentials(), region: "us-east-1"), logger: Logger(label: "test"))
        do {
            _ = try await noKey.getItem(table: "t", key: ["id": .string("k")])
            Issue.record("a request was made without credentials")
        } catch {
            #expect(error.kind == .unavailable && error.message.contains("cannot get AWS credentials"), "\(error)")
        }
    }
}
