import Foundation
import Logging
import MailKit
import SigV4
import Testing
import TestSupport

@testable import SESTransport

@Suite("SES SendEmail request")
struct SESRequestTests {
    static let email = Email(
        from: Mailbox(displayName: "15551234567", address: "relay@example.org"),
        to: [Mailbox(displayName: "Zoë", address: "zoe@example.com"), Mailbox(address: "bob@example.com")],
        subject: "Hi 😀",
        date: Date(timeIntervalSince1970: 1_795_588_200),
        messageID: "smsrelay.test.1@example.org",
        textBody: "Hello 👋",
        htmlBody: "<p>Hello 👋</p>"
    )

    static func credentials(token: String? = nil) -> AWSCredentials {
        AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: token)
    }

    static func configuration(token: String? = nil, endpoint: String? = nil, configurationSet: String? = nil) throws -> SESConfiguration {
        try SESConfiguration(
            credentials: credentials(token: token),
            region: "eu-west-1",
            endpoint: endpoint.flatMap(URL.init(string:)),
            configurationSetName: configurationSet
        )
    }

    @Test("the body carries the rendered message as base64 raw content, the bare addresses and the configuration set")
    func body() throws {
        let bytes = try SendEmailRequest(email: Self.email, configurationSetName: "smsrelay-events").encoded()
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let data = try #require(((json["Content"] as? [String: Any])?["Raw"] as? [String: Any])?["Data"] as? String)
        #expect(Data(base64Encoded: data).map(Array.init) == MIMEWriter.render(Self.email))
        #expect((json["Destination"] as? [String: Any])?["ToAddresses"] as? [String] == ["zoe@example.com", "bob@example.com"])
        #expect(json["FromEmailAddress"] as? String == "relay@example.org")
        #expect(json["ConfigurationSetName"] as? String == "smsrelay-events")
        #expect(Set(json.keys) == ["Content", "Destination", "FromEmailAddress", "ConfigurationSetName"])

        let withoutSet = try SendEmailRequest(email: Self.email, configurationSetName: nil).encoded()
        #expect(!String(decoding: withoutSet, as: UTF8.self).contains("ConfigurationSetName"))
    }

    @Test(
        "the request goes to the SendEmail path of the endpoint, signed for ses in the region",
        arguments: [
            (nil as String?, "https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails", "email.eu-west-1.amazonaws.com"),
            ("http://127.0.0.1:4566", "http://127.0.0.1:4566/v2/email/outbound-emails", "127.0.0.1:4566"),
            ("https://proxy.example.com:443/ses/", "https://proxy.example.com/ses/v2/email/outbound-emails", "proxy.example.com"),
        ]
    )
    func signedRequest(endpoint: String?, url: String, host: String) throws {
        let transport = SESTransport(configuration: try Self.configuration(endpoint: endpoint), logger: Logger(label: "test"))
        let request = transport.signedRequest(
            body: Array("{}".utf8), at: Date(timeIntervalSince1970: 1_440_938_160), credentials: Self.credentials())
        #expect(request.url == url)
        #expect(request.method == .POST)
        #expect(request.headers["Host"] == [host])
        #expect(request.headers["Content-Type"] == ["application/json"])
        #expect(request.headers["X-Amz-Date"] == ["20150830T123600Z"])
        let authorization = try #require(request.headers["Authorization"].first)
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/ses/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="))
        #expect(request.headers["X-Amz-Security-Token"].isEmpty)
        #expect(!request.headers.contains { $0.value.contains("wJalrXUtnFEMI") })
    }

    @Test("temporary credentials add a signed X-Amz-Security-Token header")
    func sessionToken() throws {
        let transport = SESTransport(configuration: try Self.configuration(token: "IQoJEXAMPLETOKEN"), logger: Logger(label: "test"))
        let request = transport.signedRequest(body: [], at: Date(), credentials: Self.credentials(token: "IQoJEXAMPLETOKEN"))
        #expect(request.headers["X-Amz-Security-Token"] == ["IQoJEXAMPLETOKEN"])
        #expect(request.headers["Authorization"].first?.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,") == true)
    }

    @Test("an email without recipients is a permanent error, and nothing is sent")
    func noRecipients() async throws {
        var email = Self.email
        email.to = []
        let transport = SESTransport(configuration: try Self.configuration(endpoint: "http://127.0.0.1:9"), logger: Logger(label: "test"))
        let error = try await #require(throws: MailTransportError.self) { try await transport.send(email) }
        #expect(error.kind == .permanent)
        #expect(error.message.contains("no recipients"))
    }

    @Test("an endpoint where nothing listens is a transient error")
    func unreachable() async throws {
        // Down, and staying down: the port is held by a socket that refuses connections.
        let down = try LoopbackPort.refusing()
        defer { down.close() }
        let port = down.port
        var configuration = try Self.configuration(endpoint: "http://127.0.0.1:\(port)")
        configuration.requestTimeout = .seconds(1)
        let error = try await #require(throws: MailTransportError.self) { try await SESTransport(configuration: configuration, logger: Logger(label: "test")).send(Self.email) }
        #expect(error.kind == .transient)
        #expect(error.message.contains("127.0.0.1:\(port)"))
        #expect(!error.message.contains("wJalrXUtnFEMI"))
    }
}
