import MediaFetch
import Testing

@Suite("Address policy")
struct AddressPolicyTests {
    /// Whether `text` parses and the policy forbids it, and the range it names.
    func verdict(_ text: String) throws -> ForbiddenAddress? {
        let address = try #require(IPAddress(text), "\(text) does not parse")
        return AddressPolicy.check(address)
    }

    @Test("every forbidden IPv4 range is refused, at its first and last address", arguments: [
        ("0.0.0.0", "0.0.0.0/8"), ("0.255.255.255", "0.0.0.0/8"),
        ("10.0.0.0", "10.0.0.0/8"), ("10.255.255.255", "10.0.0.0/8"),
        ("100.64.0.0", "100.64.0.0/10"), ("100.127.255.255", "100.64.0.0/10"),
        ("127.0.0.1", "127.0.0.0/8"), ("127.255.255.255", "127.0.0.0/8"),
        ("169.254.169.254", "169.254.0.0/16"), ("169.254.0.0", "169.254.0.0/16"),
        ("172.16.0.0", "172.16.0.0/12"), ("172.31.255.255", "172.16.0.0/12"),
        ("192.0.0.0", "192.0.0.0/24"), ("192.0.0.255", "192.0.0.0/24"),
        ("192.0.2.1", "192.0.2.0/24"),
        ("192.168.0.0", "192.168.0.0/16"), ("192.168.255.255", "192.168.0.0/16"),
        ("198.18.0.0", "198.18.0.0/15"), ("198.19.255.255", "198.18.0.0/15"),
        ("198.51.100.7", "198.51.100.0/24"), ("203.0.113.200", "203.0.113.0/24"),
        ("224.0.0.1", "224.0.0.0/4"), ("239.255.255.255", "224.0.0.0/4"),
        ("240.0.0.0", "240.0.0.0/4"), ("254.1.2.3", "240.0.0.0/4"),
        ("255.255.255.255", "255.255.255.255/32"),
    ])
    func forbiddenIPv4(_ text: String, _ range: String) throws {
        let forbidden = try #require(try verdict(text), "\(text) was allowed")
        #expect(forbidden.range == range)
        #expect(!forbidden.reason.isEmpty)
    }

    @Test("the addresses just outside each range, and public ones, are allowed", arguments: [
        "1.0.0.1", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0",
        "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "192.0.1.255", "192.0.3.0",
        "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0", "198.51.99.255", "198.51.101.0",
        "203.0.112.255", "203.0.114.0", "223.255.255.255", "93.184.215.14", "8.8.8.8", "52.216.0.1",
    ])
    func allowedIPv4(_ text: String) throws {
        #expect(try verdict(text) == nil)
    }

    @Test("every forbidden IPv6 range is refused", arguments: [
        ("::", "::/128"), ("::1", "::1/128"),
        ("fc00::", "fc00::/7"), ("fdff:ffff::1", "fc00::/7"),
        ("fe80::1", "fe80::/10"), ("febf:ffff::1", "fe80::/10"),
        ("fec0::1", "fec0::/10"), ("feff::1", "fec0::/10"),
        ("ff02::1", "ff00::/8"), ("ff0e::101", "ff00::/8"),
        ("2001:db8::1", "2001:db8::/32"), ("2001:db8:ffff::1", "2001:db8::/32"),
        ("100::1", "100::/64"), ("::7f00:1", "::/96"),
    ])
    func forbiddenIPv6(_ text: String, _ range: String) throws {
        let forbidden = try #require(try verdict(text), "\(text) was allowed")
        #expect(forbidden.range == range)
    }

    @Test("public IPv6 addresses and the edges of the forbidden ranges are allowed", arguments: [
        "2606:4700::1111", "2a00:1450:4001:80b::200e", "2001:4860:4860::8888", "::2:0:0:1",
        "fbff:ffff::1", "fe00::1", "2001:db9::1", "100::1:0:0:0:1", "2001:0db7:ffff::1",
    ])
    func allowedIPv6(_ text: String) throws {
        #expect(try verdict(text) == nil)
    }

    @Test("IPv6 forms that carry an IPv4 address are judged by that address", arguments: [
        ("::ffff:127.0.0.1", "127.0.0.0/8", true),
        ("::ffff:169.254.169.254", "169.254.0.0/16", true),
        ("::ffff:10.1.2.3", "10.0.0.0/8", true),
        ("::ffff:0.0.0.0", "0.0.0.0/8", true),
        ("64:ff9b::192.168.1.1", "192.168.0.0/16", true),
        ("64:ff9b::a9fe:a9fe", "169.254.0.0/16", true),
        ("2002:7f00:1::", "127.0.0.0/8", true),
        ("2002:c0a8:101:1::1", "192.168.0.0/16", true),
        ("::ffff:8.8.8.8", "", false),
        ("64:ff9b::8.8.4.4", "", false),
        ("2002:808:808::1", "", false),
    ])
    func embeddedIPv4(_ text: String, _ range: String, _ forbidden: Bool) throws {
        let verdict = try verdict(text)
        #expect((verdict != nil) == forbidden, "\(text): \(verdict?.description ?? "allowed")")
        if let verdict {
            #expect(verdict.range == range)
            #expect(verdict.reason.contains("carried as"))
        }
    }

    @Test("the reason says what the range is, for a person")
    func reasons() throws {
        #expect(try verdict("169.254.169.254")?.description == "169.254.169.254 is in 169.254.0.0/16, the link-local range, where cloud metadata lives")
        #expect(try verdict("192.168.1.1")?.reason == "a private address (RFC 1918)")
        #expect(try verdict("100.64.0.1")?.reason.contains("carrier-grade NAT") == true)
        #expect(try verdict("::ffff:127.0.0.1")?.description.contains("carried as 127.0.0.1 in an IPv4-mapped address") == true)
    }

    @Test("addresses parse only in their strict forms and print back", arguments: [
        ("127.0.0.1", "127.0.0.1"), ("::1", "::1"), ("2606:4700:0:0::1111", "2606:4700::1111"), ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
    ])
    func parsing(_ text: String, _ printed: String) throws {
        #expect(try #require(IPAddress(text)).description == printed)
    }

    @Test("shorthand, decimal and bracketed forms are not addresses", arguments: ["127.1", "2130706433", "0x7f.0.0.1", "[::1]", "localhost", "", "1.2.3.4.5"])
    func notAddresses(_ text: String) {
        #expect(IPAddress(text) == nil)
    }
}
