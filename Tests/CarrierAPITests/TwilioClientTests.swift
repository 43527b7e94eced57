@testable import CarrierAPI
import Foundation
import Logging
import Testing
import TestSupport

@Suite("Sending a text through the fake Twilio API", .fakeCarrierAPIs)
struct TwilioClientTests {
    func client(_ fake: FakeCarrierAPIs, authToken: String? = nil, baseURL: URL? = nil, logger: Logger? = nil) -> TwilioClient {
        TwilioClient(
            baseURL: baseURL ?? fake.baseURL, accountSID: fake.credentials.twilioAccountSID,
            authToken: authToken ?? fake.credentials.twilioAuthToken, timeout: .seconds(10),
            logger: logger ?? Logger(label: "carrier-api-test"))
    }

    @Test("a send makes one form POST to the account's Messages.json with Basic auth and +E.164 numbers")
    func sendsOneRequest() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let text = sampleText(marker, statusCallbackURL: "https://relay.example.com/status?t=a&b=c")
        let sent = try await client(fake).send(text)

        let requests = try await fake.requests(containing: marker)
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.method == "POST")
        #expect(request.path == "/2010-04-01/Accounts/\(fake.credentials.twilioAccountSID)/Messages.json")
        let expected = "Basic " + Data("\(fake.credentials.twilioAccountSID):\(fake.credentials.twilioAuthToken)".utf8).base64EncodedString()
        #expect(request.header("Authorization") == [expected])
        #expect(request.header("Content-Type") == ["application/x-www-form-urlencoded"])
        #expect(request.form == [
            "To": "+12065559876", "From": "+12065551234", "Body": text.body, "StatusCallback": "https://relay.example.com/status?t=a&b=c",
        ])
        #expect(sent.messageID.hasPrefix("SM"))
        #expect(sent.messageID.count == 34)
    }

    @Test("without a status callback the form has no StatusCallback field")
    func noCallback() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        _ = try await client(fake).send(sampleText(marker))
        let request = try #require(try await fake.requests(containing: marker).first)
        #expect(Set(request.form.keys) == ["To", "From", "Body"])
    }

    @Test("a SignalWire space gets the /api/laml prefix; a base with a path is used as given")
    func signalWire() throws {
        let space = TwilioClient(
            baseURL: URL(string: "https://example.signalwire.com")!, accountSID: "project-id", authToken: "token-0123456789",
            logger: Logger(label: "carrier-api-test"))
        #expect(space.endpoint == "https://example.signalwire.com/api/laml/2010-04-01/Accounts/project-id/Messages.json")
        let twilio = TwilioClient(accountSID: "AC123", authToken: "token-0123456789", logger: Logger(label: "carrier-api-test"))
        #expect(twilio.endpoint == "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json")
        #expect(twilio.endpointDescription == twilio.endpoint)
        #expect(twilio.carrier == "twilio")
        #expect(!twilio.supportsGroups)
    }

    @Test("a base URL with the /api/laml path reaches the same API")
    func lamlPath() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let sent = try await client(fake, baseURL: fake.baseURL.appendingPathComponent("api/laml")).send(sampleText(marker))
        #expect(sent.messageID.hasPrefix("SM"))
        let request = try #require(try await fake.requests(containing: marker).first)
        #expect(request.path == "/api/laml/2010-04-01/Accounts/\(fake.credentials.twilioAccountSID)/Messages.json")
    }

    @Test("a wrong auth token is permanent, says to check the credentials and shows no secret")
    func wrongCredentials() async throws {
        let fake = try suiteFake()
        let wrong = "wrong-twilio-token-fedcba9876543210"
        let error = try #require(await sendError(client(fake, authToken: wrong), sampleText(FakeCarrierAPIs.marker())))
        #expect(error.kind == .permanent)
        #expect(error.status == 401)
        #expect(error.code == "20003")
        #expect(error.message.contains("auth token"))
        #expect(error.message.contains("Authenticate"), "Twilio's own words")
        expectNoSecret(error, fake.credentials.secrets + [wrong])
        expectNoSecret(error, [Data("\(fake.credentials.twilioAccountSID):\(wrong)".utf8).base64EncodedString()])
    }

    @Test(
        "Twilio's documented refusals are permanent, with its words, its code and what they mean",
        arguments: [
            (21610, "Attempt to send to unsubscribed recipient", "STOP"),
            (21211, "Invalid 'To' Phone Number: +12065559876", "To number"),
            (21606, "The From phone number +12065551234 is not a valid, SMS-capable inbound phone number or short code for your account.", "From number"),
            (21212, "Invalid From Number", "From number"),
        ])
    func documentedRefusals(code: Int, words: String, meaning: String) async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        try await fake.script(
            [.json(400, #"{"code": \#(code), "message": "\#(words)", "more_info": "https://www.twilio.com/docs/errors/\#(code)", "status": 400}"#)],
            forRequestsContaining: marker)
        let error = try #require(await sendError(client(fake), sampleText(marker)))
        #expect(error.kind == .permanent)
        #expect(error.status == 400)
        #expect(error.code == "\(code)")
        #expect(error.message.contains(words))
        #expect(error.message.contains(meaning))
        #expect(error.message.contains("https://www.twilio.com/docs/errors/\(code)"))
    }

    @Test("a number too long for E.164 is refused permanently without a request")
    func invalidNumber() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let error = try #require(await sendError(client(fake), sampleText(marker, to: ["1234567890123456"])))
        #expect(error.kind == .permanent)
        #expect(error.status == nil)
        #expect(try await fake.requests(containing: marker).isEmpty)
    }

    @Test("the rate limit, its code 20429 and server errors are transient, and the next send goes through", arguments: [429, 500, 503])
    func transient(status: Int) async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        try await fake.script([.status(status)], forRequestsContaining: marker)
        let error = try #require(await sendError(client(fake), sampleText(marker)))
        #expect(error.kind == .transient)
        #expect(error.isTransient)
        #expect(error.status == status)
        #expect(error.message.contains("will retry later"))
        #expect(try await client(fake).send(sampleText(marker)).messageID.hasPrefix("SM"))
    }

    @Test("code 20429 is transient even under a 400")
    func code20429() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        try await fake.script([.json(400, #"{"code": 20429, "message": "Too Many Requests", "status": 400}"#)], forRequestsContaining: marker)
        let error = try #require(await sendError(client(fake), sampleText(marker)))
        #expect(error.kind == .transient)
        #expect(error.code == "20429")
    }

    @Test("a group text is refused permanently without a request")
    func groupRefused() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let error = try #require(await sendError(client(fake), sampleText(marker, to: [texter, secondTexter])))
        #expect(error.kind == .permanent)
        #expect(error.message.contains("group"))
        #expect(try await fake.requests(containing: marker).isEmpty)
    }

    @Test("no log line, at any level, shows the auth token or the text")
    func logs() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let recorder = LogRecorder()
        let client = client(fake, logger: recorder.logger())
        _ = try await client.send(sampleText(marker))
        try await fake.script([.status(500)], forRequestsContaining: marker)
        _ = await sendError(client, sampleText(marker))
        #expect(!recorder.all.isEmpty)
        for line in recorder.all {
            #expect(!line.contains(fake.credentials.twilioAuthToken))
            #expect(!line.contains(marker), "a text's words are not logged")
        }
    }
}
