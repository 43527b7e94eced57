@testable import CarrierAPI
import Foundation
import Logging
import Testing
import TestSupport

@Suite("Sending a text through the fake Bandwidth API", .fakeCarrierAPIs)
struct BandwidthClientTests {
    func client(_ fake: FakeCarrierAPIs, accountID: String? = nil, password: String? = nil) -> BandwidthClient {
        BandwidthClient(
            baseURL: fake.baseURL, accountID: accountID ?? fake.credentials.bandwidthAccountID,
            username: fake.credentials.bandwidthUsername, password: password ?? fake.credentials.bandwidthPassword,
            applicationID: "93de2206-9669-4e07-948d-329f4b722ee2", timeout: .seconds(10), logger: Logger(label: "carrier-api-test"))
    }

    @Test("a send POSTs JSON to the account's messages with Basic auth, the application and `to` as a list")
    func sendsOneRequest() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let text = sampleText(marker)
        let sent = try await client(fake).send(text)

        let request = try #require(try await fake.requests(containing: marker).first)
        #expect(request.method == "POST")
        #expect(request.path == "/api/v2/users/\(fake.credentials.bandwidthAccountID)/messages")
        let expected = "Basic " + Data("\(fake.credentials.bandwidthUsername):\(fake.credentials.bandwidthPassword)".utf8).base64EncodedString()
        #expect(request.header("Authorization") == [expected])
        let json = try #require(request.json)
        #expect(json["applicationId"] as? String == "93de2206-9669-4e07-948d-329f4b722ee2")
        #expect(json["to"] as? [String] == ["+12065559876"])
        #expect(json["from"] as? String == "+12065551234")
        #expect(json["text"] as? String == text.body)
        #expect(Set(json.keys) == ["applicationId", "to", "from", "text"])
        #expect(!sent.messageID.isEmpty)
    }

    @Test("a group text goes in one request with every recipient")
    func group() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        _ = try await client(fake).send(sampleText(marker, to: [texter, secondTexter]))
        let requests = try await fake.requests(containing: marker)
        try #require(requests.count == 1)
        #expect(requests[0].json?["to"] as? [String] == ["+12065559876", "+13125550100"])
    }

    @Test("a wrong password is permanent, says what to check and shows no secret")
    func wrongPassword() async throws {
        let fake = try suiteFake()
        let wrong = "wrong-bandwidth-password-987"
        let error = try #require(await sendError(client(fake, password: wrong), sampleText(FakeCarrierAPIs.marker())))
        #expect(error.kind == .permanent)
        #expect(error.status == 401)
        #expect(error.code == "unauthorized")
        #expect(error.message.contains("Authentication Failed"))
        #expect(error.message.contains("password"))
        expectNoSecret(error, fake.credentials.secrets + [wrong])
        expectNoSecret(error, [Data("\(fake.credentials.bandwidthUsername):\(wrong)".utf8).base64EncodedString()])
    }

    @Test("another account's id is a permanent 403")
    func otherAccount() async throws {
        let fake = try suiteFake()
        let error = try #require(await sendError(client(fake, accountID: "1234567"), sampleText(FakeCarrierAPIs.marker())))
        #expect(error.kind == .permanent)
        #expect(error.status == 403)
        #expect(error.message.contains("1234567"))
    }

    @Test("a validation refusal is permanent and quotes the description and the field errors")
    func validation() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        try await fake.script(
            [.json(400, #"{"type": "request-validation", "description": "Your request could not be accepted", "fieldErrors": [{"fieldName": "from", "description": "'+12065551234' must be replaced with a valid E164 formatted telephone number"}]}"#)],
            forRequestsContaining: marker)
        let error = try #require(await sendError(client(fake), sampleText(marker)))
        #expect(error.kind == .permanent)
        #expect(error.status == 400)
        #expect(error.code == "request-validation")
        #expect(error.message.contains("Your request could not be accepted"))
        #expect(error.message.contains("from: '+12065551234' must be replaced"))
    }

    @Test("the rate limit and server errors are transient, and the next send goes through", arguments: [429, 500, 503])
    func transient(status: Int) async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        try await fake.script([.status(status)], forRequestsContaining: marker)
        let error = try #require(await sendError(client(fake), sampleText(marker)))
        #expect(error.kind == .transient)
        #expect(error.status == status)
        #expect(error.message.contains("will retry later"))
        #expect(!(try await client(fake).send(sampleText(marker)).messageID.isEmpty))
    }
}
