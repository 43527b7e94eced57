/// A host media may be fetched from whatever its address and over plain `http`: the way to
/// fetch from a server on this machine or a private network on purpose (and the tests' way to
/// reach their server on 127.0.0.1).
///
/// Written `host` (any port) or `host:port`; an IPv6 address in brackets, `[::1]:8443`, or bare
/// without a port. Names compare without regard to case, IPv6 addresses by value.
public struct TrustedHost: Hashable, Sendable, CustomStringConvertible {
    /// The host name, lowercased, or the address's text.
    public let host: String
    /// The only port that matches; `nil` matches any.
    public let port: Int?
    private let address: IPAddress?

    /// Parses one entry; `setting` names where it came from in the error.
    public init(parsing entry: String, setting: String = "trusted hosts") throws(TrustedHostError) {
        let text = entry.trimmingWhitespace()
        let invalid = TrustedHostError(setting: setting, entry: text)
        guard !text.isEmpty else { throw invalid }

        var hostPart = Substring(text)
        var portPart: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid }
                portPart = rest.dropFirst()
            }
            guard case .v6 = IPAddress(String(hostPart)) else { throw invalid }
        } else if text.filter({ $0 == ":" }).count > 1 {
            guard case .v6 = IPAddress(text) else { throw invalid }  // a bare IPv6 address, no port
        } else if let colon = text.firstIndex(of: ":") {
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }

        if let portPart {
            guard let port = Int(portPart), (1...65535).contains(port), portPart.allSatisfy(\.isASCIIDigit) else { throw invalid }
            self.port = port
        } else {
            port = nil
        }
        let address = IPAddress(String(hostPart))
        guard address != nil || Self.isHostName(hostPart) else { throw invalid }
        self.address = address
        host = address?.description ?? hostPart.lowercased()
    }

    /// Whether a URL's `host` (brackets or not) and `port` (the scheme's default when it names none) match.
    public func matches(host urlHost: String, port urlPort: Int) -> Bool {
        if let port, port != urlPort { return false }
        let bare = urlHost.hasPrefix("[") && urlHost.hasSuffix("]") ? String(urlHost.dropFirst().dropLast()) : urlHost
        if let address {
            return IPAddress(bare) == address
        }
        return bare.lowercased() == host
    }

    /// The entry as it would be written in the setting.
    public var description: String {
        let hostText = address?.hostText ?? host
        return port.map { "\(hostText):\($0)" } ?? hostText
    }

    /// Letters, digits, `-` and `_` in dot-separated labels.
    static func isHostName(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }
}

/// A trusted host entry that is not a host or `host:port`.
public struct TrustedHostError: Error, Sendable, Equatable, CustomStringConvertible {
    public var setting: String
    public var entry: String

    public var description: String {
        "\(setting) entry '\(entry)' is not a host or host:port; write a name (media.example.com), "
            + "an address (10.0.0.5, [fd00::5]) and optionally a port (127.0.0.1:8080, [::1]:8443), entries separated by commas"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
