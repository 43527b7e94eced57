import Foundation
import Logging
import MailKit
import SESTransport
import SigV4
import Testing
import TestSupport

@testable import AWSCredentialChain

/// A web identity exchanged with STS for a role's credentials, against `moto_server`, which then
/// checks the signature SES requests are made with.
@Suite("Web identity credentials against moto", .motoServerWithWebIdentity)
struct WebIdentityMotoTests {
    /// The role `moto_setup.py` creates, allowed `ses:*`.
    static let role = "arn:aws:iam::123456789012:role/smsrelay-lambda"

    static func environment(_ moto: MotoServer, tokenFile: URL) -> [String: String] {
        [
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": role, "AWS_ROLE_SESSION_NAME": "smsrelay-test",
            "AWS_ENDPOINT_URL_STS": moto.endpoint, "AWS_REGION": MotoServer.region,
        ]
    }

    @Test("AssumeRoleWithWebIdentity gives the role's credentials, and SES accepts mail signed with them")
    func endToEnd() async throws {
        let moto = try #require(MotoServer.current)
        try await withTokenFile("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6c21zcmVsYXkifQ.signature") { file in
            let source = try #require(try AWSCredentialSource.resolve(config: awsScope(Self.environment(moto, tokenFile: file))))
            #expect(source.description == "web identity (role \(Self.role), STS \(moto.endpoint))")
            let logs = RecordingLogHandler.Store()
            let provider = source.provider(logger: RecordingLogHandler.logger(logs))
            let credentials = try await provider.credentials()
            #expect(credentials.accessKeyID.hasPrefix("ASIA"))
            #expect(credentials.isTemporary)
            #expect(try #require(credentials.expiration) > Date())
            #expect(try await provider.credentials() == credentials, "cached")

            let configuration = try SESConfiguration(
                credentials: provider, region: MotoServer.region, endpoint: URL(string: moto.endpoint), requestTimeout: .seconds(10))
            let email = Email(
                from: Mailbox(displayName: "15551234567", address: MotoServer.verifiedSender), to: [Mailbox(address: "inbox@example.com")],
                subject: "Through a web identity", date: Date(), messageID: "smsrelay.web-identity.\(UUID().uuidString)@example.org",
                textBody: "Signed with a role's credentials.", htmlBody: "<p>Signed with a role's credentials.</p>")
            let receipt = try await SESTransport(configuration: configuration, logger: Logger(label: "test")).send(email)
            let stored = try await moto.storedMessage(try #require(receipt.transportMessageID))
            #expect(stored.subject == "Through a web identity")

            let sessionToken = try #require(credentials.sessionToken)
            for line in logs.all.map(\.text) {
                #expect(!line.contains(credentials.secretAccessKey) && !line.contains(sessionToken))
                #expect(!line.contains("eyJhbGciOiJSUzI1NiJ9"), "the web identity token is never logged")
            }
        }
    }

    @Test("mail signed with credentials moto did not issue is refused: the signature is checked")
    func signatureChecked() async throws {
        let moto = try #require(MotoServer.current)
        let configuration = try SESConfiguration(
            credentials: AWSCredentials(accessKeyID: "ASIAUNKNOWN000000000", secretAccessKey: "wrong", sessionToken: "wrong"),
            region: MotoServer.region, endpoint: URL(string: moto.endpoint), requestTimeout: .seconds(10))
        let email = Email(
            from: Mailbox(address: MotoServer.verifiedSender), to: [Mailbox(address: "inbox@example.com")], subject: "Refused",
            date: Date(), messageID: "smsrelay.refused.\(UUID().uuidString)@example.org", textBody: "No.", htmlBody: "<p>No.</p>")
        await #expect(throws: MailTransportError.self) {
            _ = try await SESTransport(configuration: configuration, logger: Logger(label: "test")).send(email)
        }
    }

    @Test("the token file is read at each fetch: gone, it is an error naming the setting")
    func tokenFileReadEachTime() async throws {
        let moto = try #require(MotoServer.current)
        let source = try await withTokenFile("eyJhbGciOiJSUzI1NiJ9.token") { file in
            try #require(try AWSCredentialSource.resolve(config: awsScope(Self.environment(moto, tokenFile: file))))
        }
        let error = await #expect(throws: AWSCredentialError.self) { try await source.provider(logger: Logger(label: "test")).credentials() }
        #expect(error?.code == .unreadableToken)
        #expect(error?.message.hasPrefix("web identity: cannot read the token file AWS_WEB_IDENTITY_TOKEN_FILE=") == true, "\(error?.message ?? "")")
    }

    @Test("an STS that cannot be reached is an error naming it")
    func unreachable() async throws {
        let moto = try #require(MotoServer.current)
        // Down, and staying down: the port is held by a socket that refuses connections.
        let down = try LoopbackPort.refusing()
        defer { down.close() }
        let port = down.port
        try await withTokenFile("eyJhbGciOiJSUzI1NiJ9.token") { file in
            var environment = Self.environment(moto, tokenFile: file)
            environment["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:\(port)"
            let source = try #require(try AWSCredentialSource.resolve(config: awsScope(environment)))
            let error = await #expect(throws: AWSCredentialError.self) { try await source.provider(logger: Logger(label: "test")).credentials() }
            #expect(error?.code == .unreachable)
            #expect(error?.message.hasPrefix("web identity: STS at http://127.0.0.1:\(port) could not be reached") == true, "\(error?.message ?? "")")
        }
    }
}
