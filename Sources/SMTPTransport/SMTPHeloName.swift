import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The name the client gives in EHLO and HELO.
///
/// RFC 5321 §4.1.1.1 asks for the client's fully qualified domain name or, when it has none, an
/// address literal. A bare host name (`vm`, a container id) is neither, and servers with
/// `reject_non_fqdn_helo_hostname` refuse it. So: the configured name
/// (the `helo_name` setting) if there is one; else the host name when it is fully qualified;
/// else the literal of the connection's local address (`[192.0.2.7]`, `[IPv6:2001:db8::7]`).
enum SMTPHeloName {
    /// The name for a connection whose local end is `localAddress`.
    static func choose(configured: String?, hostName: String?, localAddress: SocketAddress?) -> String {
        if let configured {
            return configured
        }
        if let hostName, isFullyQualifiedDomain(hostName) {
            return hostName
        }
        if let localAddress, let literal = addressLiteral(localAddress) {
            return literal
        }
        // No usable address (not an IP socket): the loopback literal is still a valid EHLO argument.
        return "[127.0.0.1]"
    }

    /// This machine's host name as `gethostname(2)` reports it, if it has one.
    static let localHostName: String? = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }()

    /// `[192.0.2.7]` or `[IPv6:2001:db8::7]` (RFC 5321 §4.1.3).
    static func addressLiteral(_ address: SocketAddress) -> String? {
        guard let ip = address.ipAddress else { return nil }
        switch address.protocol {
        case .inet6:
            // An IPv4 address seen through an IPv6 socket is written as IPv4.
            if ip.lowercased().hasPrefix("::ffff:"), ip.dropFirst(7).split(separator: ".").count == 4 {
                return "[\(ip.dropFirst(7))]"
            }
            return "[IPv6:\(ip)]"
        default:
            return "[\(ip)]"
        }
    }

    /// A domain of at least two labels of letters, digits and hyphens, whose last label is not
    /// all digits (that would be an IPv4 address): `relay.example.org`, not `vm` or `localhost`.
    static func isFullyQualifiedDomain(_ name: String) -> Bool {
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        let labels = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, trimmed.utf8.count <= 253 else { return false }
        for label in labels {
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-",
                  label.utf8.allSatisfy(isLetterDigitHyphen)
            else { return false }
        }
        return !(labels.last?.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? true)
    }

    /// Whether `name` may be given in EHLO: a fully qualified domain or an address literal.
    static func isValidSetting(_ name: String) -> Bool {
        if isFullyQualifiedDomain(name) {
            return true
        }
        guard name.hasPrefix("["), name.hasSuffix("]"), name.count > 2 else { return false }
        let inner = String(name.dropFirst().dropLast())
        if inner.lowercased().hasPrefix("ipv6:") {
            return (try? SocketAddress(ipAddress: String(inner.dropFirst(5)), port: 0))?.protocol == .inet6
        }
        return (try? SocketAddress(ipAddress: inner, port: 0))?.protocol == .inet
    }

    private static func isLetterDigitHyphen(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-")
    }
}
