import AsyncHTTPClient
import Foundation
import Logging
import SigV4
import Testing
import TestSupport

@testable import AWSCredentialChain

/// The instance profile's credentials from the metadata service, IMDSv2, against
/// `credential_server.py --mode imds`.
@Suite("Instance metadata credentials")
struct InstanceMetadataTests {
    static func provider(_ server: CredentialServer, clock: TestClock = TestClock()) throws -> any AWSCredentialProvider {
        let source = try #require(try AWSCredentialSource.resolve(config: awsScope(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url()])))
        #expect(source.kind == .instanceMetadata)
        return source.provider(logger: Logger(label: "test"), now: clock.now)
    }

    @Test("a session token first, then the role and its credentials, each asked with the token")
    func sessionTokenFlow() async throws {
        try await CredentialServer.with(.instanceMetadata, role: "smsrelay-instance") { server in
            let credentials = try await Self.provider(server).credentials()
            #expect(credentials.accessKeyID.hasPrefix("ASIATEST"))
            #expect(credentials.sessionToken != nil)
            #expect(try #require(credentials.expiration) > Date())

            let requests = try await server.requests()
            #expect(requests.map { "\($0.method) \($0.path)" } == [
                "PUT /latest/api/token",
                "GET /latest/meta-data/iam/security-credentials/",
                "GET /latest/meta-data/iam/security-credentials/smsrelay-instance",
            ])
            #expect(requests[0].header("X-aws-ec2-metadata-token-ttl-seconds") == ["21600"])
            let tokens = requests.dropFirst().map { $0.header("X-aws-ec2-metadata-token") }
            #expect(tokens.allSatisfy { $0.count == 1 && !$0[0].isEmpty })
            #expect(Set(tokens.map { $0.first ?? "" }).count == 1, "both asked with the token the PUT gave")
            #expect(requests.allSatisfy { $0.status == 200 })
        }
    }

    @Test("the peer refuses a request without the session token, as IMDSv2 does")
    func tokenRequired() async throws {
        try await CredentialServer.with(.instanceMetadata, role: "smsrelay-instance") { server in
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: server.url("/latest/meta-data/iam/security-credentials/smsrelay-instance")), timeout: .seconds(10))
            #expect(response.status == .unauthorized)
        }
    }

    @Test("credentials are renewed before they expire, with a new session token")
    func renewal() async throws {
        try await CredentialServer.with(.instanceMetadata, role: "smsrelay-instance") { server in
            let clock = TestClock()
            let provider = try Self.provider(server, clock: clock)
            let first = try await provider.credentials()
            #expect(try await provider.credentials() == first)
            clock.advance(seconds: 3400)
            let second = try await provider.credentials()
            #expect(second.accessKeyID != first.accessKeyID)
            #expect(try await server.issuedCount() == 2)
            #expect(try await server.requests().filter { $0.method == "PUT" }.count == 2)
        }
    }

    @Test("an instance without a role is an error that says so")
    func noRole() async throws {
        try await CredentialServer.with(.instanceMetadata) { server in
            let error = await #expect(throws: AWSCredentialError.self) { try await Self.provider(server).credentials() }
            #expect(error?.code == .refused)
            #expect(error?.message.contains("no IAM role is attached to this instance") == true, "\(error?.message ?? "")")
        }
    }

    @Test("expired credentials from the metadata service are never handed out")
    func expired() async throws {
        try await CredentialServer.with(.instanceMetadata, role: "smsrelay-instance") { server in
            // An hour ago: expired whenever the test's clock was read, however slowly the peer started.
            try await server.setLifetime(seconds: -3600)
            let error = await #expect(throws: AWSCredentialError.self) { try await Self.provider(server).credentials() }
            #expect(error?.code == .expired)
            #expect(error?.source == .instanceMetadata)
        }
    }

    @Test("no metadata service is an error at once, saying how to skip it")
    func unreachable() async throws {
        // Down, and staying down: the port is held by a socket that refuses connections.
        let down = try LoopbackPort.refusing()
        defer { down.close() }
        let port = down.port
        let source = try #require(try AWSCredentialSource.resolve(config: awsScope(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(port)"])))
        let error = await #expect(throws: AWSCredentialError.self) { try await source.provider(logger: Logger(label: "test")).credentials() }
        #expect(error?.code == .unreachable)
        #expect(error?.message.contains("AWS_EC2_METADATA_DISABLED=true skips it") == true, "\(error?.message ?? "")")
    }
}
