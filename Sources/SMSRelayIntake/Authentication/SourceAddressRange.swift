#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A block of addresses in CIDR notation, `203.0.113.0/24` or `2001:db8::/32`; a bare address is
/// a block of one.
public struct SourceAddressRange: Sendable, Equatable, CustomStringConvertible {
    /// The network's bytes (4 or 16), host bits cleared.
    let network: [UInt8]
    let prefixLength: Int

    /// Parses `address[/bits]`; nil when it is not an IPv4 or IPv6 block.
    public init?(_ text: String) {
        let parts = text.trimmingBlanks().split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.bytes(of: String(parts[0])) else { return nil }
        let bits = bytes.count * 8
        let length: Int
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...bits).contains(given) else { return nil }
            length = given
        } else {
            length = bits
        }
        network = Self.masked(bytes, to: length)
        prefixLength = length
    }

    /// Whether `address` (text) is in the block. An IPv4 address written as IPv4-mapped IPv6
    /// (`::ffff:203.0.113.7`, as a dual-stack socket reports it) counts as the IPv4 address.
    public func contains(_ address: String) -> Bool {
        guard var bytes = Self.bytes(of: address) else { return false }
        if bytes.count == 16, network.count == 4, bytes.prefix(12) == Self.mappedPrefix[...] {
            bytes = Array(bytes.suffix(4))
        }
        return bytes.count == network.count && Self.masked(bytes, to: prefixLength) == network
    }

    public var description: String {
        let address: String
        if network.count == 4 {
            address = network.map(String.init).joined(separator: ".")
        } else {
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let written = network.withUnsafeBytes { inet_ntop(AF_INET6, $0.baseAddress, &text, socklen_t(text.count)) }
            address = written == nil ? "?" : String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return "\(address)/\(prefixLength)"
    }

    private static let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]

    /// The 4 or 16 bytes of an address written as `inet_pton` reads it.
    static func bytes(of text: String) -> [UInt8]? {
        var four = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &four) == 1 { return four }
        var sixteen = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, text, &sixteen) == 1 { return sixteen }
        return nil
    }

    static func masked(_ bytes: [UInt8], to length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = min(max(length - index * 8, 0), 8)
            return kept == 8 ? byte : byte & ~(0xFF >> kept)
        }
    }
}

/// A callback accepted only from given address blocks: VoIP.ms signs nothing, so its token and,
/// when configured, the addresses its servers call from are the protection.
public struct SourceAddressCheck: CallbackAuthenticator {
    public let ranges: [SourceAddressRange]

    public init(ranges: [SourceAddressRange]) {
        self.ranges = ranges
    }

    public var summary: String { "source address in \(ranges.map(\.description).joined(separator: ", "))" }

    public func authenticate(_ request: CallbackRequest, body: [UInt8], now: Date) throws(CallbackAuthenticationFailure) {
        guard let address = request.sourceAddress else {
            throw CallbackAuthenticationFailure("the source address of the callback is unknown")
        }
        guard ranges.contains(where: { $0.contains(address) }) else {
            throw CallbackAuthenticationFailure("the callback came from \(address), outside the allowed addresses")
        }
    }
}
