import DynamoDBItems
import Foundation
import Logging
import SigV4
import Testing
import TestSupport

@Suite("DynamoDB client against moto's DynamoDB, signatures checked", .serialized, .motoServer)
struct DynamoDBClientMotoTests {
    static let table = "smsrelay-client-test"

    func client(_ moto: MotoServer, credentials: AWSCredentials? = nil) -> DynamoDBClient {
        DynamoDBClient(
            configuration: DynamoDBConfiguration(
                credentials: credentials ?? moto.userCredentials, region: MotoServer.region, endpoint: URL(string: moto.endpoint)),
            logger: Logger(label: "test"))
    }

    /// Creates the suite's table unless an earlier test did.
    func tableReady(_ moto: MotoServer) async throws {
        // moto refuses a second CreateTable (ResourceInUseException): the table is there.
        try? await moto.createTable(Self.table)
    }

    static let claim = DynamoDBExpression(
        "attribute_not_exists(#id) OR (#state = :sending AND #started < :stale)",
        names: ["#id": "id", "#state": "state", "#started": "started"],
        values: [":sending": .string("sending"), ":stale": .integer(1_000)])

    @Test("a conditional PutItem writes once; the second fails its condition and shows the item; update, get and delete")
    func conditionalWrites() async throws {
        let moto = try #require(MotoServer.current)
        try await tableReady(moto)
        let client = client(moto)
        let key: DynamoDBItem = ["id": .string("flowroute:mdr2-one")]
        let item: DynamoDBItem = ["id": .string("flowroute:mdr2-one"), "state": .string("sending"), "started": .integer(5_000)]

        try await client.putItem(table: Self.table, item: item, condition: Self.claim, returningItemOnFailure: true)
        #expect(try await moto.item("flowroute:mdr2-one", table: Self.table) == ["id": "flowroute:mdr2-one", "state": "sending", "started": "5000"])
        do {
            try await client.putItem(table: Self.table, item: item, condition: Self.claim, returningItemOnFailure: true)
            Issue.record("the condition held twice")
        } catch {
            #expect(error.kind == .conditionalCheckFailed, "\(error)")
            #expect(error.item == item)
        }

        try await client.updateItem(
            table: Self.table, key: key,
            update: DynamoDBExpression(
                "SET #state = :sent, #transport = :transport", names: ["#state": "state", "#transport": "transport_id"],
                values: [":sent": .string("sent"), ":transport": .string("ses-0001")]))
        let read = try await client.getItem(table: Self.table, key: key)
        #expect(read?["state"] == .string("sent") && read?["transport_id"] == .string("ses-0001") && read?["started"] == .integer(5_000))

        // A condition on the delete: only the claim that holds it may remove it.
        let mine = DynamoDBExpression("#state = :sending", names: ["#state": "state"], values: [":sending": .string("sending")])
        do {
            try await client.deleteItem(table: Self.table, key: key, condition: mine)
            Issue.record("a sent item was deleted by a sending condition")
        } catch {
            #expect(error.kind == .conditionalCheckFailed, "\(error)")
        }
        try await client.deleteItem(table: Self.table, key: key)
        #expect(try await client.getItem(table: Self.table, key: key) == nil)
        // Deleting what is not there succeeds.
        try await client.deleteItem(table: Self.table, key: key)
    }

    @Test("a stale sending item is taken over by the same condition; temporary credentials sign too")
    func staleTakeover() async throws {
        let moto = try #require(MotoServer.current)
        try await tableReady(moto)
        try await moto.putItem(["id": ["S": "flowroute:stale"], "state": ["S": "sending"], "started": ["N": "10"]], table: Self.table)
        let client = client(moto, credentials: moto.sessionCredentials)
        try await client.putItem(
            table: Self.table, item: ["id": .string("flowroute:stale"), "state": .string("sending"), "started": .integer(2_000)],
            condition: Self.claim, returningItemOnFailure: true)
        #expect(try await moto.item("flowroute:stale", table: Self.table)?["started"] == "2000")
    }

    @Test("moto checks the signature: a wrong secret is refused, naming no secret; a missing table is refused")
    func refusals() async throws {
        let moto = try #require(MotoServer.current)
        try await tableReady(moto)
        let wrong = AWSCredentials(accessKeyID: moto.userCredentials.accessKeyID, secretAccessKey: "not-the-secret-key")
        do {
            _ = try await client(moto, credentials: wrong).getItem(table: Self.table, key: ["id": .string("x")])
            Issue.record("a wrong secret key was accepted")
        } catch {
            #expect(error.kind == .refused, "\(error)")
            #expect(!error.message.contains("not-the-secret-key"))
        }
        do {
            _ = try await client(moto).getItem(table: "no-such-table", key: ["id": .string("x")])
            Issue.record("a missing table answered")
        } catch {
            #expect(error.kind == .refused && error.code == "ResourceNotFoundException", "\(error)")
        }
    }
}
