import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the HTTP server could not listen, in one line that names the address and the setting to change:
/// `cannot listen on 127.0.0.1:8080 (SMSRELAY_PORT): address already in use`.
public enum ListenFailure {
    /// The line for `error`, thrown while binding `host`:`port`; nil when the error is not about listening.
    /// `hostKey` and `portKey` are the names of the two settings, as the user writes them.
    public static func describe(_ error: any Error, host: String, port: Int, hostKey: String, portKey: String) -> String? {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        switch error {
        case let error as IOError:
            let reason = String(cString: strerror(error.errnoCode)).lowercased()
            switch error.errnoCode {
            case EADDRINUSE:
                return "cannot listen on \(address) (\(portKey)): address already in use; stop what listens there or choose another port"
            case EACCES:
                return "cannot listen on \(address) (\(portKey)): \(reason); ports below 1024 need privileges"
            case EADDRNOTAVAIL:
                return "cannot listen on \(address) (\(hostKey)): no interface of this machine has that address"
            default:
                return "cannot listen on \(address) (\(hostKey), \(portKey)): \(reason)"
            }
        case is SocketAddressError.UnknownHost, is SocketAddressError:
            return "cannot listen on \(address) (\(hostKey)): the host name cannot be resolved to an address of this machine"
        default:
            return nil
        }
    }
}
