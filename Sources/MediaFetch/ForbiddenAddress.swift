/// An address media is never fetched from, and why: what ``AddressPolicy`` answers.
public struct ForbiddenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The address that was judged (for an IPv4-embedding IPv6 address, the IPv6 one).
    public var address: IPAddress
    /// The forbidden range it falls in, as CIDR: `10.0.0.0/8`.
    public var range: String
    /// What the range is, for a person: `a private address (RFC 1918)`.
    public var reason: String

    public init(address: IPAddress, range: String, reason: String) {
        self.address = address
        self.range = range
        self.reason = reason
    }

    /// `10.0.0.7 is in 10.0.0.0/8, a private address (RFC 1918)`.
    public var description: String { "\(address) is in \(range), \(reason)" }
}
