/// Finds the addresses of a host name: the seam ``MediaFetcher`` checks every address through
/// before it connects to one of them.
public protocol HostResolver: Sendable {
    /// Every address `host` resolves to, IPv4 and IPv6.
    func addresses(of host: String) async throws(HostResolutionError) -> [IPAddress]
}

/// A host name that could not be resolved.
public struct HostResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether asking again later may succeed (a DNS server that did not answer), or the name
    /// does not exist.
    public var isTemporary: Bool
    /// What the resolver said, naming the host.
    public var message: String

    public init(isTemporary: Bool, message: String) {
        self.isTemporary = isTemporary
        self.message = message
    }

    public var description: String { message }
}
