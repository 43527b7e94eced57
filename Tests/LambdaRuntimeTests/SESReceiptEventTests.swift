import Foundation
import LambdaRuntime
import Testing

@Suite("SES receipt rule events")
struct SESReceiptEventTests {
    /// An event of an SES receipt rule's Lambda action, in the shape AWS documents for it
    /// ("Invoking Lambda functions", Amazon SES Developer Guide), with our own values.
    static func event(
        messageID: String = "o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1", source: String = "ann@example.com",
        recipient: String = "sms1-12066418000-18553569768-cc7gevj2qfne73gy@sms.example.com",
        spf: String = "PASS", dkim: String = "PASS", dmarc: String = "PASS", spam: String = "PASS", virus: String = "PASS"
    ) -> String {
        """
        {"Records": [{"eventSource": "aws:ses", "eventVersion": "1.0", "ses": {
          "mail": {"timestamp": "2026-12-04T10:00:00.000Z", "source": "\(source)", "messageId": "\(messageID)",
            "destination": ["\(recipient)"], "headersTruncated": false,
            "headers": [{"name": "From", "value": "Ann <ann@example.com>"}],
            "commonHeaders": {"returnPath": "ann@example.com", "from": ["Ann <ann@example.com>"], "date": "Fri, 4 Dec 2026 10:00:00 +0000",
              "to": ["\(recipient)"], "messageId": "<r1@mail.example.com>", "subject": "Re: hi"}},
          "receipt": {"timestamp": "2026-12-04T10:00:00.000Z", "processingTimeMillis": 574,
            "recipients": ["\(recipient)"],
            "spamVerdict": {"status": "\(spam)"}, "virusVerdict": {"status": "\(virus)"}, "spfVerdict": {"status": "\(spf)"},
            "dkimVerdict": {"status": "\(dkim)"}, "dmarcVerdict": {"status": "\(dmarc)"}, "dmarcPolicy": "reject",
            "action": {"type": "Lambda", "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:relay", "invocationType": "Event"}}}}]}
        """
    }

    @Test("the message id, envelope, Message-ID and verdicts are read")
    func decodes() throws {
        let event = try #require(try SESReceiptEvent.decodeIfSES(Array(Self.event().utf8)))
        #expect(event.messageID == "o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1")
        #expect(event.source == "ann@example.com")
        #expect(event.recipients == ["sms1-12066418000-18553569768-cc7gevj2qfne73gy@sms.example.com"])
        #expect(event.emailMessageID == "<r1@mail.example.com>")
        #expect(event.verdicts == ["spf": "PASS", "dkim": "PASS", "dmarc": "PASS", "spam": "PASS", "virus": "PASS"])
        #expect(event.verdictRefusal == nil)
    }

    @Test("DMARC failing, SPF and DKIM both failing, spam or a virus refuse; one failing of SPF or DKIM does not")
    func verdicts() throws {
        func refusal(_ json: String) throws -> String? {
            try #require(try SESReceiptEvent.decodeIfSES(Array(json.utf8))).verdictRefusal
        }
        #expect(try refusal(Self.event(dmarc: "FAIL"))?.contains("DMARC") == true)
        #expect(try refusal(Self.event(spf: "FAIL", dkim: "FAIL"))?.contains("SPF and DKIM") == true)
        #expect(try refusal(Self.event(spam: "FAIL"))?.contains("spam") == true)
        #expect(try refusal(Self.event(virus: "FAIL"))?.contains("virus") == true)
        #expect(try refusal(Self.event(spf: "FAIL")) == nil)
        #expect(try refusal(Self.event(dkim: "FAIL", dmarc: "GRAY")) == nil)
    }

    @Test("an HTTP event is not an SES event; an SES event without a message id is an error")
    func otherEvents() throws {
        #expect(try SESReceiptEvent.decodeIfSES(Array(#"{"httpMethod": "POST", "body": "{}"}"#.utf8)) == nil)
        #expect(try SESReceiptEvent.decodeIfSES(Array(#"{"Records": [{"eventSource": "aws:s3"}]}"#.utf8)) == nil)
        #expect(try SESReceiptEvent.decodeIfSES(Array("not json".utf8)) == nil)
        #expect(throws: APIGatewayRequest.DecodingError.self) {
            try SESReceiptEvent.decodeIfSES(Array(#"{"Records": [{"eventSource": "aws:ses", "ses": {"mail": {}}}]}"#.utf8))
        }
    }
}
