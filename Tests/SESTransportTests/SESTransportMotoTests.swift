import Foundation
import Logging
import MailKit
import MailRender
import SESTransport
import SMSRelayCore
import SigV4
import Testing
import TestSupport

/// The transport against `moto_server`, an SES emulator that checks SigV4 signatures the way
/// AWS does (it recomputes them with botocore), and keeps what it accepted.
@Suite("SES transport against moto", .motoServer)
struct SESTransportMotoTests {
    /// An SMS rendered by the real pipeline: non-ASCII sender name and subject, emoji in both parts.
    static func email(sender: String = MotoServer.verifiedSender) throws -> Email {
        let message = InboundMessage(
            carrier: "flowroute",
            id: "mdr2-\(UUID().uuidString)",
            from: "15551234567",
            to: "12066418000",
            body: "Café at 7? 😀👍🏽 — ‘quotes’ & <b>not bold</b>",
            receivedAt: Date(timeIntervalSince1970: 1_795_588_200)
        )
        let route = Route(recipients: ["Zoë Ünal <zoe@example.com>", "bob@example.com"], sender: sender)
        var email = try EmailRenderer().render(message, route: route)
        email.subject = "Über 😀 " + email.subject
        return email
    }

    static func transport(_ credentials: AWSCredentials, configurationSet: String? = nil) throws -> SESTransport {
        let moto = try #require(MotoServer.current)
        let configuration = try SESConfiguration(
            credentials: credentials,
            region: MotoServer.region,
            endpoint: URL(string: moto.endpoint),
            configurationSetName: configurationSet,
            requestTimeout: .seconds(10),
            names: .relay
        )
        return SESTransport(configuration: configuration, logger: Logger(label: "test"))
    }

    @Test("a message signed with the IAM user's key is accepted and stored byte for byte")
    func acceptedAndStored() async throws {
        let moto = try #require(MotoServer.current)
        let email = try Self.email()
        let receipt = try await Self.transport(moto.userCredentials).send(email)
        let messageID = try #require(receipt.transportMessageID)

        let stored = try await moto.storedMessage(messageID)
        #expect(Array(stored.rawData.utf8) == MIMEWriter.render(email), "SES must get exactly what MIMEWriter renders")
        #expect(stored.source == MotoServer.verifiedSender)
        #expect(stored.destinations.contains("zoe@example.com") && stored.destinations.contains("bob@example.com"))

        // Python's email package reads the message back to what was rendered.
        #expect(stored.defects.isEmpty)
        #expect(stored.subject == email.subject)
        #expect(stored.subject.hasPrefix("Über 😀 "))
        #expect(stored.from == [.init(name: "+1 555-123-4567", address: MotoServer.verifiedSender)])
        #expect(stored.to == [.init(name: "Zoë Ünal", address: "zoe@example.com"), .init(name: "", address: "bob@example.com")])
        #expect(stored.messageID == "<\(email.messageID)>")
        #expect(stored.contentTypes == ["multipart/alternative", "text/plain", "text/html"])
        #expect(stored.charsets.dropFirst().allSatisfy { $0 == "utf-8" })
        #expect(stored.text == email.textBody.replacingOccurrences(of: "\r\n", with: "\n"))
        #expect(stored.html == email.htmlBody.replacingOccurrences(of: "\r\n", with: "\n"))
        #expect(stored.text?.contains("Café at 7? 😀👍🏽 — ‘quotes’ & <b>not bold</b>") == true)
        #expect(stored.html?.contains("&lt;b&gt;not bold&lt;/b&gt;") == true)
    }

    @Test("temporary credentials send their session token, and are accepted")
    func sessionCredentials() async throws {
        let moto = try #require(MotoServer.current)
        #expect(moto.sessionCredentials.isTemporary)
        let email = try Self.email()
        // moto takes an ASIA key only with the role session's own X-Amz-Security-Token.
        let receipt = try await Self.transport(moto.sessionCredentials).send(email)
        let stored = try await moto.storedMessage(try #require(receipt.transportMessageID))
        #expect(Array(stored.rawData.utf8) == MIMEWriter.render(email))
    }

    @Test("a configuration set name does not get in the way of sending")
    func configurationSet() async throws {
        let moto = try #require(MotoServer.current)
        let receipt = try await Self.transport(moto.userCredentials, configurationSet: "smsrelay-events").send(try Self.email())
        #expect(receipt.transportMessageID != nil)
    }

    @Test("the same request with a wrong secret is refused as SignatureDoesNotMatch, a permanent error naming AWS_SECRET_ACCESS_KEY")
    func wrongSecret() async throws {
        let moto = try #require(MotoServer.current)
        var credentials = moto.userCredentials
        credentials.secretAccessKey = String(credentials.secretAccessKey.reversed())
        let error = try await #require(throws: MailTransportError.self) {
            try await Self.transport(credentials).send(try Self.email())
        }
        #expect(error.kind == .permanent)
        #expect(error.message.contains("SignatureDoesNotMatch"))
        #expect(error.message.contains("HTTP 403"))
        #expect(error.message.contains("check AWS_SECRET_ACCESS_KEY"))
        #expect(error.message.contains("The request signature we calculated does not match"))
        #expect(!error.message.contains(credentials.secretAccessKey) && !error.message.contains(moto.userCredentials.secretAccessKey))
    }

    @Test("a wrong session token is refused as a permanent error that names AWS_SESSION_TOKEN")
    func wrongSessionToken() async throws {
        let moto = try #require(MotoServer.current)
        var credentials = moto.sessionCredentials
        credentials.sessionToken = "not-the-token"
        let error = try await #require(throws: MailTransportError.self) {
            try await Self.transport(credentials).send(try Self.email())
        }
        #expect(error.kind == .permanent)
        #expect(error.message.contains("InvalidClientTokenId"))
        #expect(error.message.contains("AWS_ACCESS_KEY_ID") && error.message.contains("AWS_SESSION_TOKEN"))
        #expect(!error.message.contains("not-the-token"))
    }

    @Test("an access key moto never issued is refused as a permanent error naming AWS_ACCESS_KEY_ID")
    func unknownKey() async throws {
        let credentials = AWSCredentials(accessKeyID: "AKIAUNKNOWNKEY000000", secretAccessKey: "irrelevant")
        let error = try await #require(throws: MailTransportError.self) {
            try await Self.transport(credentials).send(try Self.email())
        }
        #expect(error.kind == .permanent)
        #expect(error.message.contains("InvalidClientTokenId"))
        #expect(error.message.contains("check AWS_ACCESS_KEY_ID"))
    }

    @Test("an unverified sender is rejected with MessageRejected, a permanent error carrying SES's text")
    func unverifiedSender() async throws {
        let moto = try #require(MotoServer.current)
        let error = try await #require(throws: MailTransportError.self) {
            try await Self.transport(moto.userCredentials).send(try Self.email(sender: "mallory@example.net"))
        }
        #expect(error.kind == .permanent)
        #expect(error.message.contains("MessageRejected"))
        #expect(error.message.contains("Did not have authority to send from email mallory@example.net"))
        #expect(error.message.contains("verified"))
    }
}
