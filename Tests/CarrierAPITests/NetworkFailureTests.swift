@testable import CarrierAPI
import Foundation
import Logging
import Testing
import TestSupport

@Suite("Sending when the carrier cannot be reached")
struct NetworkFailureTests {
    static let secret = "secret-never-shown-0123456789"

    /// Each client, pointed at `baseURL`, with ``secret`` as its secret.
    static func senders(_ baseURL: URL, timeout: Duration) -> [any TextSender] {
        let logger = Logger(label: "carrier-api-test")
        return [
            TwilioClient(baseURL: baseURL, accountSID: "AC123", authToken: secret, timeout: timeout, logger: logger),
            TelnyxClient(baseURL: baseURL, apiKey: secret, timeout: timeout, logger: logger),
            BandwidthClient(baseURL: baseURL, accountID: "99", username: "user", password: secret, applicationID: "app", timeout: timeout, logger: logger),
            VoipmsClient(baseURL: baseURL, username: "owner@example.com", password: secret, timeout: timeout, logger: logger),
        ]
    }

    @Test("a refused connection is transient for every client, has no status and shows no secret")
    func connectionRefused() async throws {
        let down = try LoopbackPort.refusing()
        defer { down.close() }
        // The HTTP client retries a refused connection until the send's time is up: keep it short.
        for sender in Self.senders(URL(string: "http://127.0.0.1:\(down.port)")!, timeout: .seconds(1)) {
            let error = try #require(await sendError(sender, OutgoingText(from: ourNumber, to: texter, body: "hello")), "\(sender.carrier)")
            #expect(error.kind == .transient, "\(sender.carrier): \(error)")
            #expect(error.status == nil)
            #expect(error.message.contains("will retry later"))
            expectNoSecret(error, [Self.secret])
            #expect(!error.message.contains("api_password"), "\(sender.carrier): \(error)")
        }
    }

    @Test("the numbers are written as each API wants them")
    func numbers() {
        #expect(WireFormat.e164("12065551234") == "+12065551234")
        #expect(WireFormat.e164("+12065551234") == "+12065551234")
        #expect(WireFormat.e164("447700900123") == "+447700900123")
        #expect(WireFormat.e164("1206555123x") == nil)
        #expect(WireFormat.e164("") == nil)
        #expect(WireFormat.nanp("12065551234") == "2065551234")
        #expect(WireFormat.nanp("2065551234") == "2065551234")
        #expect(WireFormat.nanp("+12065551234") == "2065551234")
        #expect(WireFormat.nanp("22065551234") == nil)
        #expect(WireFormat.nanp("447700900123") == nil)
        #expect(WireFormat.form([("a b", "x+y&z=1/é")]) == "a%20b=x%2By%26z%3D1%2F%C3%A9")
    }

    @Test("an empty recipient list is refused permanently by every client")
    func noRecipient() async throws {
        for sender in Self.senders(URL(string: "http://127.0.0.1:9")!, timeout: .seconds(1)) {
            let error = try #require(await sendError(sender, OutgoingText(from: ourNumber, to: [String](), body: "x")))
            #expect(error.kind == .permanent)
            #expect(error.message.contains("no recipient"))
        }
    }

    @Test("an OutgoingText's description shows the numbers but not the text")
    func description() {
        let text = OutgoingText(from: ourNumber, to: texter, body: "private words", statusCallbackURL: "https://x.example/cb")
        #expect(!"\(text)".contains("private words"))
        #expect("\(text)".contains(texter))
    }
}

@Suite("Sending when the carrier does not answer", .fakeCarrierAPIs)
struct NoAnswerTests {
    @Test("a carrier that never answers is transient once the timeout has passed")
    func noAnswer() async throws {
        let fake = try suiteFake()
        let marker = FakeCarrierAPIs.marker()
        try await fake.script(Array(repeating: .noAnswer, count: 4), forRequestsContaining: marker)
        for sender in NetworkFailureTests.senders(fake.baseURL, timeout: .milliseconds(500)) {
            let error = try #require(await sendError(sender, sampleText(marker)))
            #expect(error.kind == .transient, "\(sender.carrier): \(error)")
            #expect(error.status == nil)
            #expect(error.message.contains("no answer"))
            expectNoSecret(error, [NetworkFailureTests.secret])
        }
        #expect(try await fake.requests(containing: marker).count == 4)
    }
}
