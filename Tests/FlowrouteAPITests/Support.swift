@testable import FlowrouteAPI
import Foundation
import Logging
import TestSupport

/// A client for `fake`, with its credentials unless given others.
func makeClient(
    _ fake: FakeFlowrouteAPI, secretKey: String? = nil, timeout: Duration = .seconds(30), maxPerSecond: Int = 5
) -> FlowrouteClient {
    FlowrouteClient(
        baseURL: fake.baseURL,
        credentials: FlowrouteCredentials(accessKey: fake.accessKey, secretKey: secretKey ?? fake.secretKey),
        timeout: timeout,
        maxPerSecond: maxPerSecond,
        logger: Logger(label: "flowroute-api-test")
    )
}

/// A reply to a texter, from a number of the account.
func sampleSMS(body: String = "On my way, see you at 6", deliveryReceiptURL: String? = nil) -> OutboundSMS {
    OutboundSMS(from: "12065551234", to: "12065559876", body: body, deliveryReceiptURL: deliveryReceiptURL)
}

/// The error `send` throws, or `nil` when it succeeds.
func sendError(_ client: FlowrouteClient, _ sms: OutboundSMS = sampleSMS()) async -> FlowrouteError? {
    do {
        _ = try await client.send(sms)
        return nil
    } catch {
        return error
    }
}
