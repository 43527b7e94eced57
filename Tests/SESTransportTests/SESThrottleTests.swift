import Foundation
import Logging
import MailKit
import SESTransport
import SigV4
import Testing
import TestSupport

/// Throttling answers from a proxy in front of moto: SES's 429 `TooManyRequestsException`.
@Suite("SES transport when SES throttles", .motoServer)
struct SESThrottleTests {
    static func transport(endpoint: String, credentials: AWSCredentials) throws -> SESTransport {
        let configuration = try SESConfiguration(
            credentials: credentials, region: MotoServer.region, endpoint: URL(string: endpoint),
            requestTimeout: .seconds(10), maxSendRate: 14, names: .relay)
        return SESTransport(configuration: configuration, logger: Logger(label: "test"))
    }

    @Test("a throttled send slows the transport down, goes again and is stored once")
    func throttledThenSent() async throws {
        let moto = try #require(MotoServer.current)
        try await SESThrottleProxy.with(upstream: moto.endpoint, throttle: 2) { proxy in
            let transport = try Self.transport(endpoint: proxy.endpoint, credentials: moto.userCredentials)
            let email = try SESTransportMotoTests.email()
            let receipt = try await transport.send(email)
            let stored = try await moto.storedMessage(try #require(receipt.transportMessageID))
            #expect(Array(stored.rawData.utf8) == MIMEWriter.render(email))
            let state = try await proxy.state()
            #expect(state.throttled == 2)
            #expect(state.forwarded == 1, "sent once")
        }
    }

    @Test("a send throttled again and again waits as suspended, not failed: no attempt counts against it")
    func throttledPersistently() async throws {
        let moto = try #require(MotoServer.current)
        try await SESThrottleProxy.with(upstream: moto.endpoint, throttle: 100) { proxy in
            let transport = try Self.transport(endpoint: proxy.endpoint, credentials: moto.userCredentials)
            let error = await #expect(throws: MailTransportError.self) { try await transport.send(try SESTransportMotoTests.email()) }
            #expect(error?.kind == .suspended)
            #expect(error?.message.contains("TooManyRequestsException") == true)
            #expect(error?.retryAfter != nil)
            #expect(try await proxy.state().throttled == 4, "the first try and three more")
        }
    }
}
