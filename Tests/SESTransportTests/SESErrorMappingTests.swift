import Foundation
import MailKit
import SigV4
import Testing

@testable import SESTransport

@Suite("SES error answers mapped to transport errors")
struct SESErrorMappingTests {
    /// One answer SES (or something before it) may give, and what the outbox must be told.
    struct Sample: CustomTestStringConvertible, Sendable {
        var name: String
        var status: Int
        var headers: [String: String] = [:]
        var body: String
        var kind: MailTransportError.Kind
        var code: String?
        /// Pieces the message must contain.
        var mentions: [String]

        var testDescription: String { name }
    }

    static let samples: [Sample] = [
        Sample(
            name: "MessageRejected, REST-JSON with the type header",
            status: 400, headers: ["x-amzn-ErrorType": "MessageRejected:http://internal.amazon.com/coral/com.amazon.coral.service/", "x-amzn-RequestId": "r-1"],
            body: #"{"message":"Email address is not verified. The following identities failed the check in region US-EAST-1: relay@example.org"}"#,
            kind: .permanent, code: "MessageRejected",
            mentions: ["MessageRejected", "HTTP 400", "Email address is not verified", "relay@example.org", "[SES request ID r-1]", "us-east-1"]
        ),
        Sample(
            name: "MailFromDomainNotVerifiedException in __type",
            status: 400, body: #"{"__type":"com.amazonaws.sesv2#MailFromDomainNotVerifiedException","message":"MAIL FROM domain not verified"}"#,
            kind: .permanent, code: "MailFromDomainNotVerifiedException", mentions: ["MAIL FROM", "MX"]
        ),
        Sample(
            name: "AccountSuspendedException", status: 400, headers: ["X-Amzn-ErrorType": "AccountSuspendedException"],
            body: #"{"message":"Sending is permanently restricted"}"#, kind: .permanent, code: "AccountSuspendedException", mentions: ["suspended", "AWS Support"]
        ),
        Sample(
            name: "SendingPausedException", status: 400, body: #"{"code":"SendingPausedException","message":"Sending paused"}"#,
            kind: .permanent, code: "SendingPausedException", mentions: ["paused", "smsrelay-events", "SMSRELAY_SES_CONFIGURATION_SET"]
        ),
        Sample(
            name: "BadRequestException", status: 400, body: #"{"__type":"BadRequestException","message":"Illegal address"}"#,
            kind: .permanent, code: "BadRequestException", mentions: ["invalid", "Illegal address"]
        ),
        Sample(
            name: "NotFoundException for the configuration set", status: 404, body: #"{"__type":"NotFoundException","message":"Configuration set <smsrelay-events> does not exist."}"#,
            kind: .permanent, code: "NotFoundException", mentions: ["smsrelay-events", "SMSRELAY_SES_CONFIGURATION_SET"]
        ),
        Sample(
            name: "SignatureDoesNotMatch as AWS's XML", status: 403,
            body: #"<?xml version="1.0" encoding="utf-8"?><ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error><RequestId>abc-123</RequestId></ErrorResponse>"#,
            kind: .permanent, code: "SignatureDoesNotMatch", mentions: ["check AWS_SECRET_ACCESS_KEY", "does not match", "abc-123"]
        ),
        Sample(
            name: "InvalidSignatureException from a JSON front end", status: 403, headers: ["x-amzn-ErrorType": "InvalidSignatureException"],
            body: #"{"message":"The request signature we calculated does not match the signature you provided."}"#,
            kind: .permanent, code: "InvalidSignatureException", mentions: ["check AWS_SECRET_ACCESS_KEY"]
        ),
        Sample(
            name: "InvalidClientTokenId", status: 403, body: "<Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error>",
            kind: .permanent, code: "InvalidClientTokenId", mentions: ["check AWS_ACCESS_KEY_ID", "security token"]
        ),
        Sample(
            name: "UnrecognizedClientException", status: 403, headers: ["x-amzn-ErrorType": "UnrecognizedClientException"],
            body: #"{"message":"The security token included in the request is invalid."}"#, kind: .permanent, code: "UnrecognizedClientException",
            mentions: ["check AWS_ACCESS_KEY_ID"]
        ),
        Sample(
            name: "ExpiredTokenException", status: 403, body: #"{"__type":"ExpiredTokenException","message":"The security token included in the request is expired"}"#,
            kind: .permanent, code: "ExpiredTokenException", mentions: ["AWS_SESSION_TOKEN", "expired"]
        ),
        Sample(
            name: "AccessDeniedException", status: 403, headers: ["x-amzn-ErrorType": "AccessDeniedException"],
            body: #"{"Message":"User: arn:aws:iam::123456789012:user/relay is not authorized to perform: ses:SendEmail"}"#,
            kind: .permanent, code: "AccessDeniedException", mentions: ["ses:SendEmail", "not authorized"]
        ),
        Sample(
            name: "TooManyRequestsException", status: 429, headers: ["x-amzn-ErrorType": "TooManyRequestsException"],
            body: #"{"message":"Maximum sending rate exceeded."}"#, kind: .transient, code: "TooManyRequestsException", mentions: ["throttling", "Maximum sending rate exceeded"]
        ),
        Sample(
            name: "LimitExceededException", status: 400, body: #"{"__type":"LimitExceededException","message":"Daily message quota exceeded."}"#,
            kind: .transient, code: "LimitExceededException", mentions: ["throttling", "Daily message quota exceeded"]
        ),
        Sample(name: "a bare 429", status: 429, body: "", kind: .transient, code: nil, mentions: ["HTTP 429"]),
        Sample(
            name: "InternalFailure", status: 500, headers: ["x-amzn-ErrorType": "InternalFailure"], body: #"{"message":"We encountered an internal error."}"#,
            kind: .transient, code: "InternalFailure", mentions: ["will retry"]
        ),
        Sample(
            name: "a proxy's 502 page", status: 502, body: "<html><body><h1>502 Bad Gateway</h1>\r\n</body></html>",
            kind: .transient, code: nil, mentions: ["HTTP 502", "502 Bad Gateway"]
        ),
        Sample(
            name: "RequestTimeTooSkewed", status: 403, body: "<Error><Code>RequestTimeTooSkewed</Code><Message>Signature expired</Message></Error>",
            kind: .transient, code: "RequestTimeTooSkewed", mentions: ["clock"]
        ),
        Sample(
            name: "an unknown client error", status: 400, body: #"{"__type":"SomethingNewException","message":"line one\nline two\u0007"}"#,
            kind: .permanent, code: "SomethingNewException", mentions: ["SomethingNewException", "HTTP 400", "line one line two"]
        ),
    ]

    static let configuration = try! SESConfiguration(
        credentials: AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", sessionToken: "IQoJEXAMPLETOKEN"),
        region: "us-east-1",
        configurationSetName: "smsrelay-events",
        names: .relay
    )

    @Test("each answer is read and classified, and its message says what happened and what to check", arguments: samples)
    func mapping(_ sample: Sample) {
        let answer = SESErrorResponse(status: sample.status, headers: sample.headers.map { ($0.key, $0.value) }, body: Array(sample.body.utf8))
        #expect(answer.code == sample.code)
        let error = answer.mailTransportError(configuration: Self.configuration)
        #expect(error.kind == sample.kind)
        for piece in sample.mentions {
            #expect(error.message.contains(piece), "\(error.message) should mention \(piece)")
        }
        #expect(!error.message.contains("wJalrXUtnFEMI"))
        #expect(!error.message.contains("IQoJEXAMPLETOKEN"))
        #expect(!error.message.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(!error.message.contains("\n") && !error.message.contains("\r"))
    }

    @Test("a long answer is cut short in the message")
    func longMessage() {
        let body = #"{"__type":"MessageRejected","message":""# + String(repeating: "x", count: 5000) + #""}"#
        let answer = SESErrorResponse(status: 400, headers: [], body: Array(body.utf8))
        #expect((answer.message?.count ?? 0) <= 501)
        #expect(answer.message?.hasSuffix("…") == true)
    }
}
