import Foundation
import SMSRelayApp
import Hummingbird
import HummingbirdTesting
import Outbox
import SMSRelayServer
import Testing
import TestSupport

@Suite("Relay delivering through SES (moto)", .serialized, .motoServerWithWebIdentity)
struct SESRelayTests {
    func sesEnvironment(_ moto: MotoServer, secret: String? = nil) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": moto.userCredentials.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": secret ?? moto.userCredentials.secretAccessKey,
            "AWS_REGION": MotoServer.region,
            "SMSRELAY_SES_ENDPOINT": moto.endpoint,
        ]
    }

    @Test("the seed's callback, posted twice, reaches SES as exactly one raw email")
    func seedThroughSES() async throws {
        let moto = try #require(MotoServer.current)
        let before = try await moto.rawMessageCount()
        try await withTemporaryDirectory { dir in
            let extra = ["transport": "ses", "mail_from": MotoServer.verifiedSender, "mail_to": "me@example.com"]
            try await withLiveRelay(dir: dir, extra: extra, environment: sesEnvironment(moto)) { client, assembly in
                for _ in 0..<2 {
                    #expect(try await postCallback(client, IntakeTests.seed) == .ok)
                }
                let store = assembly.store
                try await eventually("the SES delivery") { try await store.counts().sent == 1 }
                let entry = try #require(try await store.list(status: .sent, limit: 1).first)
                let sesID = try #require(entry.transportMessageID)
                let stored = try await moto.storedMessage(sesID)
                #expect(stored.subject == "Text message from +1 855-356-9768 to +1 206-641-8000")
                #expect(stored.from == [.init(name: "+1 855-356-9768", address: MotoServer.verifiedSender)])
                #expect(stored.to == [.init(name: "", address: "me@example.com")])
                #expect(stored.text?.contains("Hello there from Flowroute!") == true)
                #expect(stored.html?.contains("Hello there from Flowroute!") == true)
                #expect(stored.defects.isEmpty)
            }
        }
        #expect(try await moto.rawMessageCount() == before + 1)
    }

    @Test("with no key but a web identity, the relay takes a role's credentials from STS and delivers with them")
    func webIdentity() async throws {
        let moto = try #require(MotoServer.current)
        try await withTemporaryDirectory { tokens in
            let token = tokens.appendingPathComponent("web-identity-token")
            try Data("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzbXNyZWxheSJ9.signature".utf8).write(to: token)
            let environment = [
                "AWS_WEB_IDENTITY_TOKEN_FILE": token.path, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/smsrelay-lambda",
                "AWS_ENDPOINT_URL_STS": moto.endpoint, "AWS_REGION": MotoServer.region, "SMSRELAY_SES_ENDPOINT": moto.endpoint,
            ]
            try await withTemporaryDirectory { dir in
                let extra = ["transport": "ses", "mail_from": MotoServer.verifiedSender, "mail_to": "me@example.com"]
                try await withLiveRelay(dir: dir, extra: extra, environment: environment) { client, assembly in
                    #expect(assembly.components.transportSummary.hasSuffix(
                        "; credentials: web identity (role arn:aws:iam::123456789012:role/smsrelay-lambda, STS \(moto.endpoint))"))
                    #expect(try await postCallback(client, IntakeTests.seed) == .ok)
                    let store = assembly.store
                    try await eventually("the SES delivery") { try await store.counts().sent == 1 }
                    let entry = try #require(try await store.list(status: .sent, limit: 1).first)
                    let stored = try await moto.storedMessage(try #require(entry.transportMessageID))
                    #expect(stored.text?.contains("Hello there from Flowroute!") == true)
                }
            }
        }
    }

    @Test("an unverified sender is dead-lettered with SES's MessageRejected text")
    func unverifiedSender() async throws {
        let moto = try #require(MotoServer.current)
        try await withTemporaryDirectory { dir in
            let extra = ["transport": "ses", "mail_from": "mallory@example.net", "mail_to": "me@example.com"]
            try await withLiveRelay(dir: dir, extra: extra, environment: sesEnvironment(moto)) { client, assembly in
                #expect(try await postCallback(client, IntakeTests.seed) == .ok)
                let store = assembly.store
                try await eventually("the dead letter") { try await store.counts().dead == 1 }
                let entry = try #require(try await store.list(status: .dead, limit: 1).first)
                #expect(entry.attempts == 1, "a permanent failure is not retried")
                #expect(entry.lastError?.contains("MessageRejected") == true)
            }
        }
    }

    @Test("SES answering 429 TooManyRequests twice: the relay sends the message again, slower, and it is sent once with one attempt counted")
    func throttled() async throws {
        let moto = try #require(MotoServer.current)
        let before = try await moto.rawMessageCount()
        try await SESThrottleProxy.with(upstream: moto.endpoint, throttle: 2) { proxy in
            try await withTemporaryDirectory { dir in
                var environment = sesEnvironment(moto)
                environment["SMSRELAY_SES_ENDPOINT"] = proxy.endpoint
                let extra = ["transport": "ses", "mail_from": MotoServer.verifiedSender, "mail_to": "me@example.com"]
                try await withLiveRelay(dir: dir, extra: extra, environment: environment) { client, assembly in
                    #expect(try await postCallback(client, IntakeTests.seed) == .ok)
                    let store = assembly.store
                    try await eventually("the SES delivery") { try await store.counts().sent == 1 }
                    let entry = try #require(try await store.list(status: .sent, limit: 1).first)
                    #expect(entry.attempts == 1, "throttling is not the message's fault")
                    let stored = try await moto.storedMessage(try #require(entry.transportMessageID))
                    #expect(stored.text?.contains("Hello there from Flowroute!") == true)
                }
                let state = try await proxy.state()
                #expect(state.throttled == 2)
            }
        }
        #expect(try await moto.rawMessageCount() == before + 1)
    }

    @Test("SES settings are checked at start-up, not at the first message")
    func missingCredentials() async throws {
        _ = try await withTemporaryDirectory { dir in
            await #expect {
                let settings = try testSettings(
                    dir: dir, extra: ["transport": "ses"], environment: ["AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"])
                _ = try await RelayAssembly(settings: settings, logger: .init(label: "test"))
            } throws: { error in
                "\(error)".contains("AWS_ACCESS_KEY_ID")
            }
        }
    }
}
