import MailKit
import Testing

@Suite("Message-ID")
struct MessageIDTests {
    static let oddIDs: [Escaped] = [
        "mdr2-39a6f5dc1b8e4b0b8d3c1e2f",
        "SM1234567890abcdef",
        "with space",
        "line\r\nBcc: x@y",
        "<angle>@brackets",
        "dots..and.",
        ".leading",
        "percent%41",
        "ünïcödé 😀",
        "",
        Escaped(String(repeating: "long-", count: 80)),
    ]

    @Test("the same carrier message always gives the same Message-ID", arguments: oddIDs)
    func stable(_ escaped: Escaped) {
        let id = escaped.value
        let first = MessageID.make(carrier: "flowroute", carrierMessageID: id, domain: "example.org")
        let second = MessageID.make(carrier: "flowroute", carrierMessageID: id, domain: "example.org")
        #expect(first == second)
    }

    @Test("the result is dot-atom-text on both sides of one @", arguments: oddIDs)
    func charset(_ escaped: Escaped) throws {
        let id = escaped.value
        let messageID = MessageID.make(carrier: "flow route", carrierMessageID: id, domain: "example.org")
        let sides = messageID.split(separator: "@", omittingEmptySubsequences: false)
        try #require(sides.count == 2)
        for side in sides {
            let atoms = side.split(separator: ".", omittingEmptySubsequences: false)
            #expect(atoms.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(Self.isAtext) }, "not a dot-atom: \(side)")
        }
        #expect(messageID.utf8.count < 200)
    }

    @Test("different ids, carriers or ids differing only in odd bytes give different Message-IDs")
    func distinct() {
        let ids = Self.oddIDs.map(\.value) + ["with%20space", "with_space", "line  Bcc: x@y", "%", String(repeating: "long-", count: 81)]
        let made = ids.map { MessageID.make(carrier: "flowroute", carrierMessageID: $0, domain: "example.org") }
        #expect(Set(made).count == ids.count)
        #expect(
            MessageID.make(carrier: "a", carrierMessageID: "1", domain: "example.org")
                != MessageID.make(carrier: "b", carrierMessageID: "1", domain: "example.org")
        )
        #expect(
            MessageID.make(carrier: "a.b", carrierMessageID: "c", domain: "example.org")
                != MessageID.make(carrier: "a", carrierMessageID: "b.c", domain: "example.org")
        )
    }

    @Test("a readable id stays readable")
    func readable() {
        #expect(
            MessageID.make(carrier: "flowroute", carrierMessageID: "mdr2-abc123", domain: "Example.ORG")
                == "smsrelay.flowroute.mdr2-abc123@example.org"
        )
        #expect(
            MessageID.make(carrier: "flowroute", carrierMessageID: "a b.c", domain: "example.org")
                == "smsrelay.flowroute.a%20b%2Ec@example.org"
        )
    }

    @Test("the domain falls back to smsrelay.invalid when absent or unusable", arguments: ["", "[127.0.0.1]", "exa mple.org", "a..b", "ex\r\nample.org"])
    func fallbackDomain(_ domain: String) {
        let messageID = MessageID.make(carrier: "flowroute", carrierMessageID: "1", domain: domain)
        #expect(messageID == "smsrelay.flowroute.1@smsrelay.invalid")
    }

    @Test("the domain comes from the sender's address")
    func senderDomain() {
        #expect(MessageID.domain(of: Mailbox(address: "relay@Mail.Example.org")) == "mail.example.org")
        #expect(MessageID.domain(of: Mailbox(address: "relay")) == "smsrelay.invalid")
    }

    private static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }
}
