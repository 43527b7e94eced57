import Foundation
import Testing

import SMSRelayCore

@Suite("Flowroute fixtures")
struct FlowrouteParserFixtureTests {
    /// The v1 body from the original walk-through, exactly as the brief gives it.
    static let seedBody = #"{"to": "12066418000", "body": "Hello there from Flowroute!", "from": "18553569768", "id": "mdr1-febb118b9b034338adfc662a8c02fd88" }"#

    static let seedMessage = InboundMessage(
        carrier: "flowroute",
        id: "mdr1-febb118b9b034338adfc662a8c02fd88",
        from: "18553569768",
        to: "12066418000",
        body: "Hello there from Flowroute!",
        receivedAt: arrival
    )

    @Test("the seed fixture is the seed body byte for byte")
    func seedFixtureIsTheSeedBody() throws {
        let stored = try Fixture.data("v1-inbound-seed.json")
        #expect(Array(stored) == Array((Self.seedBody + "\n").utf8))
    }

    @Test("the seed body parses to the v1 message, timed at its arrival")
    func seedBodyParses() throws {
        let event = try FlowrouteParser.parse(Array(Self.seedBody.utf8), receivedAt: arrival)
        #expect(event == .message(Self.seedMessage))
    }

    @Test("the v1 seed fixture parses to the same message")
    func seedFixtureParses() throws {
        let event = try FlowrouteParser.parse(try Fixture.data("v1-inbound-seed.json"), receivedAt: arrival)
        #expect(event == .message(Self.seedMessage))
    }

    @Test("any collection of bytes is accepted as the body")
    func bodyCollections() throws {
        let bytes = Array(Self.seedBody.utf8)
        let expected = CarrierEvent.message(Self.seedMessage)
        #expect(try FlowrouteParser.parse(Data(bytes), receivedAt: arrival) == expected)
        #expect(try FlowrouteParser.parse(bytes[...], receivedAt: arrival) == expected)
        #expect(try FlowrouteParser.parse(Self.seedBody.utf8, receivedAt: arrival) == expected)
        #expect(try FlowrouteParser.parse(ContiguousArray(bytes), receivedAt: arrival) == expected)
    }

    @Test("the API Gateway console event is not a Flowroute callback (the Lambda edge unwraps it); the body inside it parses")
    func apiGatewayConsoleEvent() throws {
        let event = try Fixture.data("apigateway-console-test-event.json")
        let error = try #require(parseError(event))
        // Its "body" key makes it look like a v1 message without an id: it cannot become an email.
        #expect(error.code == .missingField)

        let envelope = try #require(try JSONSerialization.jsonObject(with: event) as? [String: Any])
        let inner = try #require(envelope["body"] as? String)
        #expect(try FlowrouteParser.parse(inner.utf8, receivedAt: arrival) == .message(Self.seedMessage))
    }

    @Test("the v2.1 inbound SMS fixture parses with its own timestamp")
    func v2InboundSMS() throws {
        let message = try parseMessage(try Fixture.data("v2-inbound-sms.json"))
        #expect(message.carrier == "flowroute")
        #expect(message.id == "mdr2-ca82be46e6ba11e79d08862d092cf73d")
        #expect(message.from == "12061231234")
        #expect(message.to == "12012673227")
        #expect(message.body == "Hello are you there? ")
        #expect(message.media.isEmpty)
        expectSameInstant(message.receivedAt, utc(2017, 12, 22, 1, 52, 39, plus: 0.39))
    }

    @Test("the v2.1 inbound MMS fixture resolves its medium from included")
    func v2InboundMMS() throws {
        let message = try parseMessage(try Fixture.data("v2-inbound-mms.json"))
        #expect(message.id == "mdr2-5c9ad0b8dc7b11e7a21e52b1a1d4c6a0")
        #expect(message.from == "12065550199")
        #expect(message.to == "12065550100")
        #expect(message.body == "again message")
        #expect(
            message.media == [
                MediaItem(
                    url: "https://media.example.invalid/939305103458545664-IMG_6692.jpg",
                    fileName: "IMG_6692.jpg",
                    mimeType: "image/jpeg",
                    fileSize: 662_315
                )
            ]
        )
        expectSameInstant(message.receivedAt, utc(2017, 12, 9, 1, 26, 2))
    }

    @Test("media come in the order the message lists them, not the order of included")
    func multipleMediaInRelationshipOrder() throws {
        let message = try parseMessage(try Fixture.data("v2-inbound-mms-multiple-media.json"))
        #expect(message.body == "Three pictures from the trip")
        #expect(message.media.map(\.fileName) == ["harbour.png", "ferry.jpg", "waves.mp4"])
        #expect(
            message.media.first
                == MediaItem(
                    url: "https://media.example.invalid/1180000000000000002-harbour.png",
                    fileName: "harbour.png",
                    mimeType: "image/png",
                    fileSize: 90210
                )
        )
        #expect(message.media.map(\.mimeType) == ["image/png", "image/jpeg", "video/mp4"])
        #expect(message.media.map(\.fileSize) == [90210, 482_113, 1_048_576])
        expectSameInstant(message.receivedAt, utc(2024, 2, 29, 23, 59, 59, plus: 0.123456))
    }

    @Test("an MMS without a body has empty text, and its offset timestamp is converted to UTC")
    func mediaOnlyMMS() throws {
        let message = try parseMessage(try Fixture.data("v2-inbound-mms-media-only.json"))
        #expect(message.body == "")
        #expect(message.from == "+12065550177")
        #expect(message.to == "18445550100")
        #expect(message.media.map(\.url) == ["https://media.example.invalid/1180000000000000010-receipt.gif"])
        expectSameInstant(message.receivedAt, utc(2024, 3, 10, 8, 30, 0))
    }

    @Test("emoji, right-to-left text and control characters come through unchanged")
    func unicodeBodyKeptAsIs() throws {
        let message = try parseMessage(try Fixture.data("v2-inbound-sms-unicode.json"))
        let expected =
            "Hi \u{1F44B}\u{1F3FD} family: \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
            + " | עברית: שלום | العربية: مرحبا"
            + " | override:\u{202E}evil.exe\u{202C}"
            + " | tab:\t bell:\u{07} esc:\u{1B} nul:\u{00} crlf:\r\n<b>&amp;</b>"
        #expect(message.body == expected)
        // Scalar for scalar, not only canonically equivalent.
        #expect(Array(message.body.unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test("a level 1 delivery receipt is a receipt with no status code")
    func levelOneReceipt() throws {
        let receipt = try parseReceipt(try Fixture.data("v2-dlr-level1.json"))
        #expect(receipt.carrier == "flowroute")
        #expect(receipt.messageID == "mdr2-5a0b2e44a3eb11eeb0f1a2c3d4e5f607")
        #expect(receipt.status == "smsc submit")
        #expect(receipt.statusCode == nil)
        #expect(receipt.statusDescription == "Message has been sent")
        expectSameInstant(receipt.timestamp, utc(2024, 1, 5, 17, 10, 2))
    }

    @Test("a level 2 delivery receipt keeps its string status code")
    func levelTwoReceipt() throws {
        let receipt = try parseReceipt(try Fixture.data("v2-dlr-level2.json"))
        #expect(receipt.messageID == "mdr2-5a0b2e44a3eb11eeb0f1a2c3d4e5f607")
        #expect(receipt.status == "message buffered")
        #expect(receipt.statusCode == "1003")
        #expect(receipt.statusDescription == "Message accepted by Carrier")
        expectSameInstant(receipt.timestamp, utc(2024, 1, 5, 17, 10, 3))
    }

    @Test("an outbound message record is ignored on its direction, not refused (a refusal makes the carrier resend it)")
    func outboundMessageIgnored() throws {
        let event = try FlowrouteParser.parse(try Fixture.data("v2-outbound-message.json"), receivedAt: arrival)
        guard case .ignored(let reason) = event else {
            Issue.record("expected ignored, got \(event)")
            return
        }
        #expect(reason.contains("outbound"))
    }

    /// What each fixture must produce; a new fixture without an entry fails the test below.
    static let expectations: [String: String] = [
        "apigateway-console-test-event.json": "error",
        "apigateway-http-api-event.json": "error",
        "lambda-function-url-event.json": "error",
        "v1-inbound-seed.json": "message",
        "v2-dlr-level1.json": "receipt",
        "v2-dlr-level2.json": "receipt",
        "v2-inbound-mms-media-only.json": "message",
        "v2-inbound-mms-multiple-media.json": "message",
        "v2-inbound-mms.json": "message",
        "v2-inbound-sms-unicode.json": "message",
        "v2-inbound-sms.json": "message",
        "v2-outbound-message.json": "ignored",
    ]

    @Test("every fixture file has an expected outcome and produces it")
    func everyFixtureCovered() throws {
        let names = try Fixture.allJSONNames()
        #expect(names == Self.expectations.keys.sorted())
        for name in names {
            let body = try Fixture.data(name)
            let outcome: String
            do {
                switch try FlowrouteParser.parse(body, receivedAt: arrival) {
                case .message: outcome = "message"
                case .deliveryReceipt: outcome = "receipt"
                case .ignored: outcome = "ignored"
                }
            } catch {
                outcome = "error"
            }
            #expect(outcome == Self.expectations[name], "\(name)")
        }
    }
}
