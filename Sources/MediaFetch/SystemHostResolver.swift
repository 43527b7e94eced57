import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's resolver, `getaddrinfo`, run on NIO's blocking-work thread pool so that it never
/// holds a Swift concurrency thread.
public struct SystemHostResolver: HostResolver {
    public init() {}

    public func addresses(of host: String) async throws(HostResolutionError) -> [IPAddress] {
        let outcome: Result<[IPAddress], HostResolutionError>
        do {
            outcome = try await NIOThreadPool.singleton.runIfActive { Self.lookUp(host) }
        } catch {
            throw HostResolutionError(isTemporary: true, message: "could not resolve \(host): \(error)")
        }
        return try outcome.get()
    }

    /// Blocking: calls `getaddrinfo` for stream sockets of any family.
    static func lookUp(_ host: String) -> Result<[IPAddress], HostResolutionError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            let message = String(cString: gai_strerror(status))
            let missing = status == EAI_NONAME
            return .failure(HostResolutionError(
                isTemporary: !missing,
                message: missing ? "\(host) does not resolve: \(message)" : "could not resolve \(host): \(message)"
            ))
        }
        defer { freeaddrinfo(list) }

        var addresses: [IPAddress] = []
        var entry = list
        while let info = entry?.pointee {
            entry = info.ai_next
            guard let socketAddress = info.ai_addr else { continue }
            switch Int32(socketAddress.pointee.sa_family) {
            case AF_INET:
                let raw = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                addresses.append(.v4(UInt32(bigEndian: raw)))
            case AF_INET6:
                var raw = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                addresses.append(.v6(withUnsafeBytes(of: &raw) { Array($0) }))
            default:
                continue
            }
        }
        var unique: [IPAddress] = []
        for address in addresses where !unique.contains(address) { unique.append(address) }
        return .success(unique)
    }
}
