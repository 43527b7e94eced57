import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks the sources' settings share: endpoint URLs, the hosts a container endpoint may be
/// reached at over plain http, region names and header values.
enum CredentialEndpoint {
    /// An http(s) URL with a host and no user info (nor a query or fragment, unless allowed).
    static func url(_ text: String, setting: String, source: AWSCredentialSourceKind, allowingQuery: Bool = false) throws(AWSCredentialError) -> URL {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.host, !host.isEmpty, let url = components.url
        else {
            throw AWSCredentialError(.invalidSetting, source, "\(setting)=\(text) is not an http:// or https:// URL with a host")
        }
        guard components.user == nil, components.password == nil, allowingQuery || (components.query == nil && components.fragment == nil) else {
            throw AWSCredentialError(
                .invalidSetting, source, "\(setting) must not carry user info\(allowingQuery ? "" : ", a query or a fragment")")
        }
        return url
    }

    /// The URL's host without IPv6 brackets.
    static func hostText(_ url: URL) -> String {
        var host = url.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }

    /// `host` or `[v6]`, with the port when there is one: what the `Host` header and an origin carry.
    static func authority(_ url: URL) -> String {
        let host = hostText(url)
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return url.port.map { "\(bracketed):\($0)" } ?? bracketed
    }

    /// Whether plain http may carry credentials from this URL's host: a loopback address (or
    /// `localhost`), or the ECS (169.254.170.2) or EKS Pod Identity (169.254.170.23,
    /// fd00:ec2::23) endpoint. Other names are refused rather than resolved.
    static func isAllowedContainerHost(_ url: URL) -> Bool {
        let host = hostText(url).lowercased()
        if host == "localhost" { return true }
        if let v4 = ipv4(host) {
            return v4[0] == 127 || v4 == [169, 254, 170, 2] || v4 == [169, 254, 170, 23]
        }
        if let v6 = ipv6(host) {
            return v6 == ipv6("::1") || v6 == ipv6("fd00:ec2::23")
        }
        return false
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    static func ipv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    /// Lower-case letters, digits and inner hyphens: it becomes part of a host name.
    static func isRegionName(_ name: String) -> Bool {
        !name.isEmpty && name.first != "-" && name.last != "-"
            && name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
    }

    /// Visible ASCII and spaces only: nothing that could end a header line.
    static func isHeaderValue(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }
}
