import Foundation
import Logging
import SigV4
import Testing
import TestSupport

@testable import AWSCredentialChain

/// The container endpoint's credentials through the provider, against `credential_server.py`:
/// the token it requires, short-lived credentials renewed, expired ones refused, one fetch for
/// many callers.
@Suite("Container endpoint credentials")
struct ContainerEndpointTests {
    static let token = "Bearer container-token-0123456789"

    static func provider(
        _ server: CredentialServer, token: String? = ContainerEndpointTests.token, clock: TestClock = TestClock(),
        logger: Logger = Logger(label: "test")
    ) throws -> any AWSCredentialProvider {
        var environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url("/v2/credentials/task")]
        if let token { environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = token }
        let source = try #require(try AWSCredentialSource.resolve(config: awsScope(environment)))
        return source.provider(logger: logger, now: clock.now)
    }

    @Test("the credentials come with the Authorization token, and are refused without it")
    func authorization() async throws {
        try await CredentialServer.with(.container, token: Self.token) { server in
            let credentials = try await Self.provider(server).credentials()
            #expect(credentials.accessKeyID.hasPrefix("ASIATEST"))
            #expect(credentials.isTemporary)
            let expiration = try #require(credentials.expiration)
            #expect(expiration > Date())
            let requests = try await server.requests()
            #expect(requests.map(\.path) == ["/v2/credentials/task"])
            #expect(requests.first?.header("Authorization") == [Self.token])

            for token in [nil, "Bearer wrong"] {
                let error = await #expect(throws: AWSCredentialError.self) { try await Self.provider(server, token: token).credentials() }
                #expect(error?.code == .refused)
                #expect(error?.source == .container)
                #expect(error?.message.contains("401") == true, "\(error?.message ?? "")")
                #expect(error?.message.contains("AccessDenied") == true)
            }
        }
    }

    @Test("the token file is read again for every fetch, so a rotated token is used")
    func rotatedTokenFile() async throws {
        try await CredentialServer.with(.container, token: "first-token") { server in
            try await withTokenFile("first-token\n") { file in
                let clock = TestClock()
                let source = try #require(try AWSCredentialSource.resolve(config: awsScope([
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url("/creds"),
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": file.path,
                ])))
                let provider = source.provider(logger: Logger(label: "test"), now: clock.now)
                let first = try await provider.credentials()

                try Data("second-token".utf8).write(to: file)
                try await server.requireToken("second-token")
                clock.advance(seconds: 3500)
                let second = try await provider.credentials()
                #expect(second.accessKeyID != first.accessKeyID)
                #expect(try await server.requests().map { $0.header("Authorization") } == [["first-token"], ["second-token"]])
            }
        }
    }

    @Test("credentials are cached, and renewed when less than five minutes are left")
    func renewedBeforeExpiry() async throws {
        try await CredentialServer.with(.container, token: Self.token) { server in
            let clock = TestClock()
            let provider = try Self.provider(server, clock: clock)
            let first = try await provider.credentials()
            #expect(try await provider.credentials() == first)
            clock.advance(seconds: 3000)
            #expect(try await provider.credentials() == first, "55 minutes left: still fresh")
            #expect(try await server.issuedCount() == 1)

            clock.advance(seconds: 400)
            let second = try await provider.credentials()
            #expect(second.accessKeyID != first.accessKeyID)
            #expect(try await provider.credentials() == second)
            #expect(try await server.issuedCount() == 2)
        }
    }

    @Test("short-lived credentials are renewed once past half their lifetime")
    func shortLived() async throws {
        try await CredentialServer.with(.container, token: Self.token) { server in
            try await server.setLifetime(seconds: 120)
            let clock = TestClock()
            let provider = try Self.provider(server, clock: clock)
            let first = try await provider.credentials()
            clock.advance(seconds: 50)
            #expect(try await provider.credentials() == first)
            clock.advance(seconds: 20)
            #expect(try await provider.credentials() != first)
            #expect(try await server.issuedCount() == 2)
        }
    }

    @Test("credentials that have already expired are an error, never handed out")
    func expiredFromServer() async throws {
        try await CredentialServer.with(.container, token: Self.token) { server in
            try await server.setLifetime(seconds: -3600)
            let provider = try Self.provider(server)
            let error = await #expect(throws: AWSCredentialError.self) { try await provider.credentials() }
            #expect(error?.code == .expired)
            #expect(error?.message.hasPrefix("container endpoint: handed out credentials that expired at ") == true, "\(error?.message ?? "")")
            // Nothing was kept: the next call asks again.
            _ = await #expect(throws: AWSCredentialError.self) { try await provider.credentials() }
            #expect(try await server.issuedCount() == 2)
        }
    }

    @Test("a failed renewal keeps the credentials in hand while they work, with a warning; once expired, the failure is thrown")
    func failedRenewal() async throws {
        try await CredentialServer.with(.container, token: Self.token) { server in
            let clock = TestClock()
            let logs = RecordingLogHandler.Store()
            let provider = try Self.provider(server, clock: clock, logger: RecordingLogHandler.logger(logs))
            let first = try await provider.credentials()

            try await server.script([500, 500])
            clock.advance(seconds: 3400)
            #expect(try await provider.credentials() == first, "the renewal failed, the credentials still work")
            let warnings = logs.all.filter { $0.level == .warning }
            #expect(warnings.count == 1)
            #expect(warnings.first?.text.contains("could not renew the AWS credentials") == true)
            #expect(warnings.first?.text.contains("500") == true, "\(warnings.first?.text ?? "")")
            // The next attempt waits a little rather than asking at every request.
            clock.advance(seconds: 10)
            #expect(try await provider.credentials() == first)
            #expect(try await server.requests().count == 2)

            clock.advance(seconds: 290)
            let error = await #expect(throws: AWSCredentialError.self) { try await provider.credentials() }
            #expect(error?.code == .refused)
            #expect(error?.message.contains("500") == true)
            #expect(try await server.requests().count == 3)

            // The script is spent: the endpoint works again (with credentials that outlive the test's clock).
            try await server.setLifetime(seconds: 7200)
            #expect(try await provider.credentials() != first)
        }
    }

    @Test("callers that need credentials at once share one fetch")
    func concurrentCallers() async throws {
        try await CredentialServer.with(.container, token: Self.token) { server in
            let provider = try Self.provider(server)
            // Released by the test once the first fetch is in; at most 3 s later by the server
            // itself, within the client's 5 s read timeout however slowly a loaded machine runs
            // the test (a later caller then finds the credentials cached: still one fetch).
            try await server.hold(atMost: 3)
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await provider.credentials().accessKeyID }
                }
                // The first fetch is in flight, held by the server, while the others ask.
                try await eventually("the first fetch to reach the endpoint") { try await server.requests().count == 1 }
                try await server.release()
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(keys.count == 1)
            #expect(try await server.requests().count == 1)
        }
    }

    @Test("an endpoint nobody listens on is an error saying it could not be reached")
    func unreachable() async throws {
        // Down, and staying down: the port is held by a socket that refuses connections.
        let down = try LoopbackPort.refusing()
        defer { down.close() }
        let port = down.port
        let source = try #require(try AWSCredentialSource.resolve(config: awsScope(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(port)/creds"])))
        let error = await #expect(throws: AWSCredentialError.self) { try await source.provider(logger: Logger(label: "test")).credentials() }
        #expect(error?.code == .unreachable)
        #expect(error?.message.hasPrefix("container endpoint: http://127.0.0.1:\(port) could not be reached") == true, "\(error?.message ?? "")")
    }

    @Test("nothing logged while fetching, renewing or failing shows a secret or a token")
    func logsHoldNoSecrets() async throws {
        try await CredentialServer.with(.container, token: Self.token) { server in
            let clock = TestClock()
            let logs = RecordingLogHandler.Store()
            let provider = try Self.provider(server, clock: clock, logger: RecordingLogHandler.logger(logs))
            var handedOut = [try await provider.credentials()]
            try await server.script([503])
            clock.advance(seconds: 3400)
            handedOut.append(try await provider.credentials())
            clock.advance(seconds: 31)
            handedOut.append(try await provider.credentials())
            #expect(logs.all.count >= 3, "a debug line for each fetch and a warning")
            for line in logs.all.map(\.text) {
                #expect(!line.contains(Self.token) && !line.contains("container-token"))
                for credentials in handedOut {
                    #expect(!line.contains(credentials.secretAccessKey))
                    #expect(!line.contains(try #require(credentials.sessionToken)))
                    #expect(!line.contains(credentials.accessKeyID), "only the masked key id")
                }
            }
        }
    }
}
