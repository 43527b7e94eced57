import Foundation
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells systemd how a `Type=notify` service is doing: `READY=1` once the relay listens,
/// `STOPPING=1` as it begins a graceful stop, and a `STATUS=` line for `systemctl status`.
///
/// sd_notify(3)'s protocol, without libsystemd: one datagram a notification, newline-separated
/// `KEY=value` fields, sent to the unix socket `$NOTIFY_SOCKET` names: a path, or an abstract
/// address written with a leading `@`. Without the variable there is no notifier.
public struct SystemdNotifier: Sendable {
    public static let environmentName = "NOTIFY_SOCKET"

    /// The bytes of `sun_path`: the path, or a NUL and the abstract name.
    private let address: [UInt8]
    /// The socket's name as given, for messages.
    public let socketName: String

    /// The notifier of the socket `environment` names; nil when it names none, or one whose name
    /// does not fit a unix socket address.
    public init?(environment: [String: String]) {
        guard let name = environment[Self.environmentName], name.hasPrefix("/") || name.hasPrefix("@") else { return nil }
        var bytes = Array(name.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        guard bytes.count < capacity, !bytes.dropFirst().contains(0) else { return nil }
        address = bytes
        socketName = name
    }

    /// Sends `fields` (`READY=1`, `STATUS=…`) in one datagram.
    /// - Returns: whether systemd's socket took it; a notification that cannot be sent is no
    ///   reason for the relay to stop.
    @discardableResult
    public func notify(_ fields: [String]) -> Bool {
        let message = Array(fields.joined(separator: "\n").utf8)
        let descriptor = socket(AF_UNIX, Self.datagram, 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { path in
            path.copyBytes(from: address)
        }
        // A path ends with its NUL; an abstract name is exactly its bytes.
        let length = MemoryLayout.offset(of: \sockaddr_un.sun_path)! + address.count + (address.first == 0 ? 0 : 1)
        let sent = message.withUnsafeBytes { bytes in
            withUnsafePointer(to: &socketAddress) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, bytes.baseAddress, bytes.count, Self.noSignal, $0, socklen_t(length))
                }
            }
        }
        return sent == message.count
    }

    #if canImport(Glibc) || canImport(Musl)
    private static let datagram = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    private static let datagram = SOCK_DGRAM
    private static let noSignal: Int32 = 0
    #endif
}

/// Says `STOPPING=1` as soon as the service group begins a graceful stop (SIGTERM from
/// `systemctl stop`), so that systemd shows the relay as deactivating while it drains.
///
/// Runs last in the group, so that the graceful stop reaches it first; it returns then, and the
/// group goes on stopping the others.
struct SystemdStoppingService: Service {
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled: the process is ending anyway
        }
        if !notifier.notify(["STOPPING=1", "STATUS=Stopping: finishing the requests and the deliveries in hand"]) {
            logger.debug("could not tell systemd the relay is stopping", metadata: ["notify_socket": "\(notifier.socketName)"])
        }
    }
}
