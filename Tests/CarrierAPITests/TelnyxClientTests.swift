@testable import CarrierAPI
import Foundation
import Logging
import Testing
import TestSupport

@Suite("Sending a text through the fake Telnyx API", .fakeCarrierAPIs)
struct TelnyxClientTests {
    func client(_ fake: FakeCarrierAPIs, apiKey: String? = nil, messagingProfileID: String? = nil) -> TelnyxClient {
        TelnyxClient(
            baseURL: fake.baseURL, apiKey: apiKey ?? fake.credentials.telnyxAPIKey, messagingProfileID: messagingProfileID,
            timeout: .seconds(10), logger: Logger(label: "carrier-api-test"))
    }

    @Test("a send POSTs JSON to /v2/messages with the Bearer key, +E.164 numbers and the webhook URL")
    func sendsOneRequest() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let text = sampleText(marker, statusCallbackURL: "https://relay.example.com/telnyx/status")
        let sent = try await client(fake).send(text)

        let request = try #require(try await fake.requests(containing: marker).first)
        #expect(request.method == "POST")
        #expect(request.path == "/v2/messages")
        #expect(request.header("Authorization") == ["Bearer \(fake.credentials.telnyxAPIKey)"])
        #expect(request.header("Content-Type") == ["application/json; charset=utf-8"])
        let json = try #require(request.json)
        #expect(json["from"] as? String == "+12065551234")
        #expect(json["to"] as? String == "+12065559876")
        #expect(json["text"] as? String == text.body)
        #expect(json["webhook_url"] as? String == "https://relay.example.com/telnyx/status")
        #expect(json["messaging_profile_id"] == nil)
        #expect(UUID(uuidString: sent.messageID) != nil, "Telnyx's id is a UUID: \(sent.messageID)")
    }

    @Test("a messaging profile id goes with the text when given")
    func messagingProfile() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        _ = try await client(fake, messagingProfileID: "profile-123").send(sampleText(marker))
        let json = try #require(try await fake.requests(containing: marker).first?.json)
        #expect(json["messaging_profile_id"] as? String == "profile-123")
        #expect(json["webhook_url"] == nil)
    }

    @Test("a group text goes to /v2/messages/group_mms with every recipient")
    func group() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let sent = try await client(fake).send(sampleText(marker, to: [texter, secondTexter]))
        let request = try #require(try await fake.requests(containing: marker).first)
        #expect(request.path == "/v2/messages/group_mms")
        #expect(request.json?["to"] as? [String] == ["+12065559876", "+13125550100"])
        #expect(!sent.messageID.isEmpty)
    }

    @Test("more than 8 recipients is permanent, without a request")
    func groupTooLarge() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let many = (0..<9).map { "1312555010\($0)" }
        let error = try #require(await sendError(client(fake), sampleText(marker, to: many)))
        #expect(error.kind == .permanent)
        #expect(error.message.contains("8"))
        #expect(try await fake.requests(containing: marker).isEmpty)
    }

    @Test("a wrong API key is permanent, with Telnyx's code 10009, and shows no key")
    func wrongKey() async throws {
        let fake = try suiteFake()
        let wrong = "KEYwrong-telnyx-fedcba9876543210"
        let error = try #require(await sendError(client(fake, apiKey: wrong), sampleText(FakeCarrierAPIs.marker())))
        #expect(error.kind == .permanent)
        #expect(error.status == 401)
        #expect(error.code == "10009")
        #expect(error.message.contains("Authentication failed"))
        #expect(error.message.contains("API key"))
        expectNoSecret(error, fake.credentials.secrets + [wrong])
    }

    @Test("a documented refusal is permanent with Telnyx's title, detail and code")
    func documentedRefusal() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        try await fake.script(
            [.json(422, #"{"errors": [{"code": "40305", "title": "Invalid 'from' address", "detail": "The 'from' address should be a number of your account."}]}"#)],
            forRequestsContaining: marker)
        let error = try #require(await sendError(client(fake), sampleText(marker)))
        #expect(error.kind == .permanent)
        #expect(error.status == 422)
        #expect(error.code == "40305")
        #expect(error.message.contains("Invalid 'from' address"))
        #expect(error.message.contains("should be a number of your account"))
    }

    @Test("the rate limit and server errors are transient, and the next send goes through", arguments: [429, 500, 502])
    func transient(status: Int) async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        try await fake.script([.status(status)], forRequestsContaining: marker)
        let error = try #require(await sendError(client(fake), sampleText(marker)))
        #expect(error.kind == .transient)
        #expect(error.status == status)
        #expect(error.code != nil)
        #expect(error.message.contains("will retry later"))
        #expect(!(try await client(fake).send(sampleText(marker)).messageID.isEmpty))
    }

    @Test("an answer that is not Telnyx's is quoted, permanent under 4xx")
    func notTelnyx() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        try await fake.script([FakeCarrierAPIs.Answer(status: 404, body: "<html>nope</html>", contentType: "text/html")], forRequestsContaining: marker)
        let error = try #require(await sendError(client(fake), sampleText(marker)))
        #expect(error.kind == .permanent)
        #expect(error.message.contains("<html>nope</html>"))
    }
}
