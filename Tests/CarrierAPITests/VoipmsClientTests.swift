@testable import CarrierAPI
import Foundation
import Logging
import Testing
import TestSupport

@Suite("Sending a text through the fake VoIP.ms API", .fakeCarrierAPIs)
struct VoipmsClientTests {
    func client(_ fake: FakeCarrierAPIs, password: String? = nil, logger: Logger? = nil) -> VoipmsClient {
        VoipmsClient(
            baseURL: fake.baseURL, username: fake.credentials.voipmsUsername, password: password ?? fake.credentials.voipmsPassword,
            timeout: .seconds(10), logger: logger ?? Logger(label: "carrier-api-test"))
    }

    @Test("a short text is one GET of rest.php with method=sendSMS, 10-digit did and dst, and every value encoded")
    func sendsSMS() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let text = sampleText(marker)
        let sent = try await client(fake).send(text)

        let request = try #require(try await fake.requests(containing: marker).first)
        #expect(request.method == "GET")
        #expect(request.path == "/api/v1/rest.php")
        #expect(request.queryItems == [
            "api_username": fake.credentials.voipmsUsername, "api_password": fake.credentials.voipmsPassword,
            "method": "sendSMS", "did": "2065551234", "dst": "2065559876", "message": text.body,
        ])
        #expect(Int(sent.messageID) != nil, "VoIP.ms's id is a number: \(sent.messageID)")
    }

    @Test("a text over 160 characters goes by sendMMS; over 2048 is refused without a request")
    func long() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let long = marker + String(repeating: "é", count: 200)
        let sent = try await client(fake).send(sampleText(marker, body: long))
        let request = try #require(try await fake.requests(containing: marker).first)
        #expect(request.queryItems["method"] == "sendMMS")
        #expect(request.queryItems["message"] == long)
        #expect(!sent.messageID.isEmpty)

        let tooLongMarker = FakeCarrierAPIs.marker()
        let error = try #require(await sendError(client(fake), sampleText(tooLongMarker, body: tooLongMarker + String(repeating: "x", count: 2048))))
        #expect(error.kind == .permanent)
        #expect(error.message.contains("2048"))
        #expect(try await fake.requests(containing: tooLongMarker).isEmpty)
    }

    @Test("a number outside North America is refused permanently without a request")
    func notNANP() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let error = try #require(await sendError(client(fake), sampleText(marker, to: ["447700900123"])))
        #expect(error.kind == .permanent)
        #expect(error.message.contains("447700900123"))
        #expect(try await fake.requests(containing: marker).isEmpty)
    }

    @Test("wrong credentials are permanent, say what to check, and show neither password nor query")
    func wrongCredentials() async throws {
        let fake = try suiteFake()
        let wrong = "wrong+voipms&password=42"
        let marker = FakeCarrierAPIs.marker()
        let error = try #require(await sendError(client(fake, password: wrong), sampleText(marker)))
        #expect(error.kind == .permanent)
        #expect(error.code == "invalid_credentials")
        #expect(error.message.contains("API password"))
        expectNoSecret(error, fake.credentials.secrets + [wrong])
        #expect(!error.message.contains("api_password"))
    }

    @Test(
        "VoIP.ms's error words are classified: credentials, IP and numbers permanent, failures and limits transient",
        arguments: [
            ("ip_not_enabled", TextSendError.Kind.permanent), ("invalid_dst", .permanent), ("invalid_did", .permanent),
            ("missing_did", .permanent), ("sms_failed", .transient), ("limit_reached", .transient), ("something_new", .permanent),
        ])
    func errorWords(word: String, kind: TextSendError.Kind) async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        try await fake.script([.json(200, #"{"status": "\#(word)"}"#)], forRequestsContaining: marker)
        let error = try #require(await sendError(client(fake), sampleText(marker)))
        #expect(error.kind == kind)
        #expect(error.code == word)
        #expect(error.message.contains(word))
        expectNoSecret(error, fake.credentials.secrets)
    }

    @Test("a server error is transient and shows no query", arguments: [500, 503])
    func serverError(status: Int) async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        try await fake.script([.status(status)], forRequestsContaining: marker)
        let error = try #require(await sendError(client(fake), sampleText(marker)))
        #expect(error.kind == .transient)
        #expect(error.status == status)
        #expect(!error.message.contains("api_password"))
        #expect(!error.message.contains("?"))
        expectNoSecret(error, fake.credentials.secrets)
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

    @Test("no log line shows the password, the query or the text; the description shows no query")
    func logs() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        let recorder = LogRecorder()
        let client = client(fake, logger: recorder.logger())
        _ = try await client.send(sampleText(marker))
        _ = await sendError(VoipmsClient(
            baseURL: fake.baseURL, username: fake.credentials.voipmsUsername, password: "wrong-password-1234",
            logger: recorder.logger()), sampleText(marker))
        #expect(!recorder.all.isEmpty)
        for line in recorder.all {
            #expect(!line.contains(fake.credentials.voipmsPassword))
            #expect(!line.contains("wrong-password-1234"))
            #expect(!line.contains("api_password"))
            #expect(!line.contains(marker))
        }
        #expect(client.endpointDescription == "\(fake.baseURL.absoluteString)/api/v1/rest.php")
    }
}
