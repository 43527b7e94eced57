import Foundation
import Testing

import SMSRelayCore

@Suite("Carrier dispatch")
struct CarrierReadTests {
    @Test("each carrier reads its own fixture with its own parser, and tags the message with its name", arguments: [
        (Carrier.flowroute, "v1-inbound-seed.json"),
        (.twilio, "twilio/inbound-sms.txt"),
        (.telnyx, "telnyx/message-received-sms.json"),
        (.bandwidth, "bandwidth/message-received-sms.json"),
        (.voipms, "voipms/inbound-sms.txt"),
    ])
    func dispatch(carrier: Carrier, fixture: String) throws {
        let parts = fixture.split(separator: "/").map(String.init)
        let body = parts.count == 2 ? try Fixture.data(parts[1], carrier: carrier) : try Fixture.data(fixture)
        let parsed = try carrier.read(body, receivedAt: utc(2025, 1, 1, 0, 0, 0))
        #expect(parsed.event.message?.carrier == carrier.rawValue)
    }

    @Test("a body of one carrier is not taken for another's")
    func crossedBodies() throws {
        let twilio = try Fixture.data("inbound-sms.txt", carrier: .twilio)
        let bandwidth = try Fixture.data("message-received-sms.json", carrier: .bandwidth)
        #expect(Carrier.telnyx.refusal(twilio) != nil)
        #expect(Carrier.telnyx.refusal(bandwidth) != nil)
        #expect(Carrier.bandwidth.refusal(try Fixture.data("message-received-sms.json", carrier: .telnyx)) != nil)
        #expect(Carrier.twilio.refusal(bandwidth)?.code == .unknownShape)
        #expect(Carrier.voipms.refusal(bandwidth) != nil)
    }
}
