/// Which addresses media may be fetched from: any public unicast address, and none of the
/// ranges that reach this host, its private networks, the cloud's metadata service or nowhere
/// at all. IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by the
/// IPv4 address they carry.
///
/// Pure: no DNS, no sockets. ``MediaFetcher`` applies it to every address a host resolves to.
public enum AddressPolicy {
    /// Why `address` is forbidden, or `nil` when it may be fetched from.
    public static func check(_ address: IPAddress) -> ForbiddenAddress? {
        switch address {
        case .v4(let value):
            let bytes = [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
            return ipv4Ranges.first { $0.contains(bytes) }.map {
                ForbiddenAddress(address: address, range: $0.text, reason: $0.reason)
            }
        case .v6(let bytes):
            guard bytes.count == 16 else {
                return ForbiddenAddress(address: address, range: "—", reason: "not a valid IPv6 address")
            }
            for carrier in ipv4Carriers where carrier.range.contains(bytes) {
                let embedded = IPAddress(v4: bytes[carrier.offset], bytes[carrier.offset + 1], bytes[carrier.offset + 2], bytes[carrier.offset + 3])
                guard let inner = check(embedded) else { return nil }
                return ForbiddenAddress(
                    address: address,
                    range: inner.range,
                    reason: "\(inner.reason), carried as \(embedded) in \(carrier.name) (\(carrier.range.text))"
                )
            }
            return ipv6Ranges.first { $0.contains(bytes) }.map {
                ForbiddenAddress(address: address, range: $0.text, reason: $0.reason)
            }
        }
    }

    /// A CIDR range with its reason.
    struct Range: Sendable {
        var prefix: [UInt8]
        var length: Int
        var text: String
        var reason: String

        init(_ text: String, _ reason: String) {
            let parts = text.split(separator: "/")
            guard parts.count == 2, let address = IPAddress(String(parts[0])), let length = Int(parts[1]) else {
                preconditionFailure("bad range \(text)")
            }
            switch address {
            case .v4(let value): prefix = [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
            case .v6(let bytes): prefix = bytes
            }
            self.length = length
            self.text = text
            self.reason = reason
        }

        /// Whether `bytes` (of the same family) begin with the range's first `length` bits.
        func contains(_ bytes: [UInt8]) -> Bool {
            guard bytes.count == prefix.count else { return false }
            var remaining = length
            for (byte, expected) in zip(bytes, prefix) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if byte & mask != expected & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    static let privateNetwork = "a private address (RFC 1918)"
    static let documentation = "a documentation range, never a real host"

    /// Checked in order; the broadcast address comes before the reserved range holding it.
    static let ipv4Ranges: [Range] = [
        Range("0.0.0.0/8", "the unspecified \"this network\" range, which reaches this host"),
        Range("10.0.0.0/8", privateNetwork),
        Range("100.64.0.0/10", "the carrier-grade NAT range (RFC 6598), a provider's private network"),
        Range("127.0.0.0/8", "the loopback range, this host"),
        Range("169.254.0.0/16", "the link-local range, where cloud metadata lives"),
        Range("172.16.0.0/12", privateNetwork),
        Range("192.0.0.0/24", "the IETF protocol assignments range (RFC 6890)"),
        Range("192.0.2.0/24", documentation),
        Range("192.168.0.0/16", privateNetwork),
        Range("198.18.0.0/15", "the network benchmarking range (RFC 2544)"),
        Range("198.51.100.0/24", documentation),
        Range("203.0.113.0/24", documentation),
        Range("224.0.0.0/4", "a multicast address"),
        Range("255.255.255.255/32", "the broadcast address"),
        Range("240.0.0.0/4", "the reserved range (240.0.0.0/4)"),
    ]

    /// IPv6 ranges that carry an IPv4 address, and where in the sixteen bytes it sits.
    static let ipv4Carriers: [(range: Range, offset: Int, name: String)] = [
        (Range("::ffff:0:0/96", ""), 12, "an IPv4-mapped address"),
        (Range("64:ff9b::/96", ""), 12, "a NAT64 address"),
        (Range("2002::/16", ""), 2, "a 6to4 address"),
    ]

    static let ipv6Ranges: [Range] = [
        Range("::/128", "the unspecified address, which reaches this host"),
        Range("::1/128", "the loopback address, this host"),
        Range("::/96", "the deprecated IPv4-compatible range"),
        Range("100::/64", "the discard-only range (RFC 6666)"),
        Range("2001:db8::/32", documentation),
        Range("fc00::/7", "a unique local address (RFC 4193), a private network"),
        Range("fe80::/10", "the link-local range"),
        Range("fec0::/10", "the deprecated site-local range, a private network"),
        Range("ff00::/8", "a multicast address"),
    ]
}
