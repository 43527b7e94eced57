import Foundation
import Logging
import SigV4
import Testing

@testable import AWSCredentialChain

@Suite("The credential chain's choice of source")
struct AWSCredentialSourceTests {
    static let key = ["AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"]
    static let container = ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/5b0e0d1c-task"]

    static func webIdentity(_ file: URL) -> [String: String] {
        ["AWS_WEB_IDENTITY_TOKEN_FILE": file.path, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/smsrelay"]
    }

    static func resolve(_ environment: [String: String], instanceMetadata: Bool = true) throws -> AWSCredentialSource? {
        try AWSCredentialSource.resolve(config: awsScope(environment), instanceMetadata: instanceMetadata)
    }

    @Test("the environment beats a web identity, which beats the container endpoint, which beats the instance metadata service")
    func precedence() throws {
        let file = try makeTokenFile("eyJhbGciOiJSUzI1NiJ9.web-identity")
        defer { removeTokenFile(file) }
        let everything = Self.key.merging(Self.webIdentity(file)) { $1 }.merging(Self.container) { $1 }
        #expect(try Self.resolve(everything)?.kind == .environment)
        let withoutKey = Self.webIdentity(file).merging(Self.container) { $1 }
        #expect(try Self.resolve(withoutKey)?.kind == .webIdentity)
        #expect(try Self.resolve(Self.container)?.kind == .container)
        #expect(try Self.resolve([:])?.kind == .instanceMetadata)
    }

    @Test("the environment's key is used as it is, with its session token")
    func environmentKey() throws {
        let source = try #require(try Self.resolve(Self.key.merging(["AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLE"]) { $1 }))
        guard case .environment(let credentials) = source else {
            Issue.record("expected the environment, got \(source)")
            return
        }
        #expect(credentials == AWSCredentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
            sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE"))
        #expect(source.provider(logger: Logger(label: "test")) as? AWSCredentials == credentials, "a key provides itself")
    }

    @Test(
        "half a key, or half a web identity, is an error naming both settings",
        arguments: [
            (["AWS_ACCESS_KEY_ID": "AKIAVALUE"], "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"),
            (["AWS_SECRET_ACCESS_KEY": "s3cr3t-value"], "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"),
            (["AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/smsrelay"], "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not"),
            (["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/token"], "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"),
        ]
    )
    func incomplete(environment: [String: String], expected: String) {
        let error = #expect(throws: AWSCredentialError.self) { try Self.resolve(environment) }
        #expect(error?.code == .invalidSetting)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("s3cr3t-value") == false)
    }

    @Test("the metadata service is skipped when AWS_EC2_METADATA_DISABLED is true, and on Lambda")
    func metadataDisabled() throws {
        #expect(try Self.resolve(["AWS_EC2_METADATA_DISABLED": "true"]) == nil)
        #expect(try Self.resolve(["AWS_EC2_METADATA_DISABLED": "TRUE"]) == nil)
        #expect(try Self.resolve(["AWS_EC2_METADATA_DISABLED": "false"])?.kind == .instanceMetadata)
        #expect(try Self.resolve([:], instanceMetadata: false) == nil)
        // Disabling the metadata service leaves the other sources alone.
        #expect(try Self.resolve(Self.container.merging(["AWS_EC2_METADATA_DISABLED": "true"]) { $1 })?.kind == .container)
    }

    @Test("the metadata service's endpoint can be overridden, and must be a URL")
    func metadataEndpoint() throws {
        let source = try Self.resolve(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://[fd00:ec2::254]"])
        guard case .instanceMetadata(let settings) = source else {
            Issue.record("expected the metadata service, got \(String(describing: source))")
            return
        }
        #expect(settings.endpoint.absoluteString == "http://[fd00:ec2::254]")
        guard case .instanceMetadata(let standard) = try Self.resolve([:]) else { return }
        #expect(standard.endpoint.absoluteString == "http://169.254.169.254")
        let error = #expect(throws: AWSCredentialError.self) { try Self.resolve(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "169.254.169.254"]) }
        #expect(error?.message.contains("AWS_EC2_METADATA_SERVICE_ENDPOINT") == true)
    }

    @Test(
        "a full container URI over http must be a loopback or ECS/EKS address; https may be anywhere",
        arguments: [
            ("http://127.0.0.1:51679/creds", true), ("http://localhost/creds", true), ("http://[::1]:8080/creds", true),
            ("http://169.254.170.2/v2/credentials", true), ("http://169.254.170.23/v1/credentials", true),
            ("http://[fd00:ec2::23]/v1/credentials", true), ("https://credentials.example.com/task", true),
            ("http://169.254.169.254/latest", false), ("http://10.0.0.5/creds", false), ("http://credentials.example.com/task", false),
            ("ftp://127.0.0.1/creds", false), ("/creds", false),
        ]
    )
    func fullURI(uri: String, allowed: Bool) throws {
        let environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri]
        if allowed {
            guard case .container(let settings) = try Self.resolve(environment) else {
                Issue.record("\(uri) should give the container endpoint")
                return
            }
            #expect(settings.url.absoluteString == uri)
        } else {
            let error = #expect(throws: AWSCredentialError.self) { try Self.resolve(environment) }
            #expect(error?.code == .invalidSetting)
            #expect(error?.message.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI") == true)
        }
    }

    @Test("the relative URI is relative to 169.254.170.2 and wins over a full one; the token file wins over the token")
    func relativeURIAndToken() throws {
        let file = try makeTokenFile("token-from-file")
        defer { removeTokenFile(file) }
        do {
            let source = try Self.resolve([
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task-id",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/ignored",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": file.path,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "token-from-variable",
            ])
            guard case .container(let settings) = source else {
                Issue.record("expected the container endpoint, got \(String(describing: source))")
                return
            }
            #expect(settings.url.absoluteString == "http://169.254.170.2/v2/credentials/task-id")
            #expect(settings.authorization == .tokenFile(file.path, setting: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"))
            #expect(source?.description == "container endpoint (http://169.254.170.2)", "the task's path is not shown")
        }
    }

    @Test("a web identity goes to the region's STS, or to AWS_ENDPOINT_URL_STS, with the session name given")
    func webIdentityEndpoint() throws {
        let file = try makeTokenFile("eyJhbGciOiJSUzI1NiJ9.web-identity")
        defer { removeTokenFile(file) }
        func settings(_ extra: [String: String]) throws -> WebIdentitySettings? {
            guard case .webIdentity(let settings) = try Self.resolve(Self.webIdentity(file).merging(extra) { $1 }) else { return nil }
            return settings
        }
        #expect(try settings(["AWS_REGION": "eu-west-1"])?.endpoint.absoluteString == "https://sts.eu-west-1.amazonaws.com")
        #expect(try settings(["AWS_DEFAULT_REGION": "cn-north-1"])?.endpoint.absoluteString == "https://sts.cn-north-1.amazonaws.com.cn")
        #expect(try settings([:])?.endpoint.absoluteString == "https://sts.amazonaws.com")
        #expect(try settings(["AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:5000"])?.endpoint.absoluteString == "http://127.0.0.1:5000")
        #expect(try settings(["AWS_ROLE_SESSION_NAME": "relay-pod-1"])?.sessionName == "relay-pod-1")
        #expect(try settings([:])?.sessionName.hasPrefix("smsrelay-") == true)
        for (key, value) in [("AWS_REGION", "eu-west-1.evil.com/"), ("AWS_ROLE_SESSION_NAME", "not a name"), ("AWS_ROLE_ARN", "smsrelay")] {
            let error = #expect(throws: AWSCredentialError.self) { try settings([key: value]) }
            #expect(error?.message.contains(key) == true, "\(key): \(error?.message ?? "")")
        }
        let missing = #expect(throws: AWSCredentialError.self) {
            try Self.resolve(["AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/smsrelay"])
        }
        #expect(missing?.message.contains("AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent/token") == true)
    }

    @Test("descriptions and dumps of sources and providers never show a secret or a token")
    func redaction() async throws {
        let secrets = ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLE", "container-secret-token", "AKIAIOSFODNN7EXAMPLE"]
        let sources = try [
            Self.resolve(Self.key.merging(["AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLE"]) { $1 }),
            Self.resolve(Self.container.merging(["AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-secret-token"]) { $1 }),
        ].compactMap { $0 }
        #expect(sources.count == 2)
        for source in sources {
            let provider = source.provider(logger: Logger(label: "test"))
            var dumped = ""
            dump(source, to: &dumped)
            dump(provider, to: &dumped)
            for text in [source.description, "\(source)", String(reflecting: source), "\(provider)", String(reflecting: provider), dumped] {
                for secret in secrets {
                    #expect(!text.contains(secret), "\(text)")
                }
            }
        }
        #expect(sources[0].description == "environment (access key ****************MPLE with a session token)")
    }
}
