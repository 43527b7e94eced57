import PropertyBased
@testable import ReplyAddress
import SMSRelayCore
import Testing

@Suite("Reply addresses with a carrier")
struct TaggedReplyAddressTests {
    static let codec = ReplyAddressCodec(secret: "reply-secret-0123456789abcdef", domain: "sms.example.com")
    static let number = Gen.int(in: 0...9).array(of: 1...15).map { $0.map(String.init).joined() }

    @Test("every carrier, with two numbers or a group, reads back, within 64 characters, in any case")
    func roundTrip() async throws {
        let carriers = Gen.int(in: 0...(Carrier.allCases.count - 1)).map { Carrier.allCases[$0] }
        try await propertyCheck(count: 300, input: Self.number, Self.number, carriers, Gen.bool) {
            (ours: String, texter: String, carrier: Carrier, isGroup: Bool) async throws in
            let reply = isGroup
                ? ReplyAddress(carrier: carrier, ourNumber: ours, texterNumber: "", groupCode: ReplyAddress.groupCode(conversationKey: "\(ours):\(texter),1"))
                : ReplyAddress(carrier: carrier, ourNumber: ours, texterNumber: texter)
            let address = try #require(Self.codec.address(for: reply))
            #expect(try Self.codec.decode(address) == reply)
            #expect(try Self.codec.decode(address.uppercased()) == reply)
            #expect(address.split(separator: "@")[0].utf8.count <= 64)
        }
    }

    @Test("a Flowroute text between two numbers keeps the first format, so earlier emails' replies still work")
    func flowrouteKeepsFirstFormat() throws {
        let reply = ReplyAddress(ourNumber: "12066418000", texterNumber: "18553569768")
        let local = try #require(Self.codec.localPart(for: reply))
        #expect(local.hasPrefix("sms1-12066418000-18553569768-"))
        let twilio = try #require(Self.codec.localPart(for: ReplyAddress(carrier: .twilio, ourNumber: "12066418000", texterNumber: "18553569768")))
        #expect(twilio.hasPrefix("sms2-t-12066418000-18553569768-"))
        let code = ReplyAddress.groupCode(conversationKey: "12066418000:12065550100,18553569768")
        #expect(code.count == 16)
        let group = try #require(Self.codec.localPart(for: ReplyAddress(carrier: .telnyx, ourNumber: "12066418000", texterNumber: "18553569768", groupCode: code)))
        #expect(group.hasPrefix("sms2-xg-12066418000-\(code)-"))
        // The sender is not part of a group's address: a reply goes to the group, whoever wrote last.
        #expect(try Self.codec.decode(group + "@sms.example.com") == ReplyAddress(carrier: .telnyx, ourNumber: "12066418000", texterNumber: "", groupCode: code))
    }

    @Test("changing the carrier or the group flag of an address breaks it")
    func kindIsCovered() throws {
        let reply = ReplyAddress(carrier: .bandwidth, ourNumber: "12066418000", texterNumber: "18553569768")
        let address = try #require(Self.codec.address(for: reply))
        // `f` alone is not a kind the codec writes (a Flowroute pair has the first format).
        #expect(throws: ReplyAddressError.self) { try Self.codec.decode(address.replacingOccurrences(of: "sms2-b-", with: "sms2-f-")) }
        for kind in ["t", "v"] {
            let altered = address.replacingOccurrences(of: "sms2-b-", with: "sms2-\(kind)-")
            #expect(throws: ReplyAddressError.self) { try Self.codec.decode(altered) }
            do {
                _ = try Self.codec.decode(altered)
            } catch {
                #expect(error.kind == .forged)
            }
        }
        // A number where a group's code belongs, or the reverse, is not a reply address.
        #expect(throws: ReplyAddressError.self) { try Self.codec.decode(address.replacingOccurrences(of: "sms2-b-", with: "sms2-bg-")) }
        // A sms1 address re-labelled as sms2 of Flowroute is not the same code either.
        let first = try #require(Self.codec.address(for: ReplyAddress(ourNumber: "12066418000", texterNumber: "18553569768")))
        let relabelled = first.replacingOccurrences(of: "sms1-", with: "sms2-f-")
        #expect(throws: ReplyAddressError.self) { try Self.codec.decode(relabelled) }
        #expect(throws: ReplyAddressError.self) { try Self.codec.decode(address.replacingOccurrences(of: "sms2-b-", with: "sms2-q-")) }
    }
}
