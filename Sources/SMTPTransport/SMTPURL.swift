/// The parts of the SMTP URL setting, checked one by one.
///
/// Parsed by hand rather than with `URLComponents` so each mistake gets its own message, and
/// no message ever repeats the URL (it may hold a password).
struct SMTPURL: Equatable {
    var host: String
    var port: Int
    var tls: SMTPConfiguration.TLSMode
    var auth: SMTPConfiguration.AuthMechanism?
    var user: String?
    var password: String?

    /// - Parameter setting: the name of the setting, which starts every error message.
    init(_ url: String, setting: String) throws {
        let text = url.trimmingWhitespace()
        guard !text.isEmpty else {
            throw Self.error(setting, "is empty; set it to smtp://user:password@host:587 or smtps://user:password@host:465")
        }
        guard let schemeEnd = text.range(of: "://") else {
            throw Self.error(setting, "is not a URL; write it as smtp://user:password@host:587 or smtps://user:password@host:465")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let implicitTLS: Bool
        switch scheme {
        case "smtp": implicitTLS = false
        case "smtps": implicitTLS = true
        default:
            let shown = scheme.count <= 10 && scheme.allSatisfy(\.isLetter) ? "\"\(scheme)\"" : "an unknown scheme"
            throw Self.error(setting, "starts with \(shown); it must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)")
        }

        var rest = text[schemeEnd.upperBound...]
        if let at = rest.lastIndex(of: "@"), rest[..<at].contains(where: { "/?#".contains($0) }) {
            throw Self.error(setting, "has a /, ? or # in the user name or password; percent-encode them as %2F, %3F and %23")
        }
        if rest.contains("#") {
            throw Self.error(setting, "has a fragment (#…); remove it, or percent-encode a # in the password as %23")
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            guard rest[slash...] == "/" else {
                throw Self.error(setting, "has a path after the host; SMTP URLs take none, remove it")
            }
        }

        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let rawUser: Substring
            if let colon = userInfo.firstIndex(of: ":") {
                rawUser = userInfo[..<colon]
                let decoded = try Self.decode(userInfo[userInfo.index(after: colon)...], what: "password", setting: setting)
                password = decoded.isEmpty ? nil : decoded
            } else {
                rawUser = userInfo
            }
            let decodedUser = try Self.decode(rawUser, what: "user name", setting: setting)
            guard !decodedUser.isEmpty else {
                throw Self.error(setting, "has an empty user name before the @; write smtp://user:password@host or leave out user and password")
            }
            user = decodedUser
        }

        let (parsedHost, parsedPort) = try Self.splitHostPort(hostPort, setting: setting)
        host = parsedHost
        port = parsedPort ?? (implicitTLS ? 465 : 587)

        var tlsOption: SMTPConfiguration.TLSMode?
        var seen: Set<String> = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].lowercased()
            let value = parts.count > 1 ? parts[1].lowercased() : ""
            guard seen.insert(key).inserted else {
                throw Self.error(setting, "gives the option \(key) twice; keep one")
            }
            switch key {
            case "tls":
                guard let mode = SMTPConfiguration.TLSMode(rawValue: value), mode != .implicit else {
                    throw Self.error(setting, "has tls=\(Self.shown(value)); use tls=required, tls=opportunistic or tls=none")
                }
                tlsOption = mode
            case "auth":
                guard let mechanism = SMTPConfiguration.AuthMechanism(rawValue: value.uppercased()) else {
                    throw Self.error(setting, "has auth=\(Self.shown(value)); use auth=plain or auth=login, or leave it out to use the best the server offers")
                }
                auth = mechanism
            default:
                let name = key.count <= 20 && key.allSatisfy(\.isLetter) ? " \"\(key)\"" : ""
                throw Self.error(setting, "has an unknown option\(name); the options are tls= and auth=")
            }
        }

        if implicitTLS {
            if let tlsOption, tlsOption != .required {
                throw Self.error(setting, "is smtps:// (TLS from the start) with tls=\(tlsOption.rawValue); remove the option, or use smtp:// for STARTTLS")
            }
            tls = .implicit
        } else {
            tls = tlsOption ?? .required
        }
        if tls == .none, !SMTPConfiguration.isLoopback(host) {
            throw Self.error(setting, 
                "has tls=none for \(host), which is not this machine; plain text is only allowed to a relay on localhost — use tls=required (or smtps://)"
            )
        }
    }

    private static func splitHostPort(_ text: Substring, setting: String) throws -> (String, Int?) {
        var hostPart = text
        var portPart: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw Self.error(setting, "has an IPv6 address without its closing ]; write it as [::1]")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw Self.error(setting, "has characters after the IPv6 address; write it as [address]:port")
                }
                portPart = after.dropFirst()
            }
            let isIPv6 = !hostPart.isEmpty && hostPart.contains(":")
                && hostPart.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
            guard isIPv6 else {
                throw Self.error(setting, "has \"[\(shown(String(hostPart)))]\", which is not an IPv6 address")
            }
        } else {
            if let colon = text.lastIndex(of: ":") {
                hostPart = text[..<colon]
                portPart = text[text.index(after: colon)...]
            }
            guard !hostPart.isEmpty else {
                throw Self.error(setting, "names no host; write smtp://host or smtp://user:password@host")
            }
            let valid = hostPart.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            }
            guard valid, hostPart.utf8.count <= 253 else {
                throw Self.error(setting, "has the host \"\(shown(String(hostPart)))\", which is not a host name or address (a password with @, : or / must be percent-encoded)")
            }
        }
        guard let portPart else {
            return (String(hostPart), nil)
        }
        guard let port = Int(portPart), (1...65535).contains(port), portPart.allSatisfy(\.isASCII) else {
            throw Self.error(setting, "has the port \"\(shown(String(portPart)))\"; use a number from 1 to 65535, or leave it out for 587 (smtp) or 465 (smtps)")
        }
        return (String(hostPart), port)
    }

    /// Percent-decodes the user or the password.
    private static func decode(_ text: Substring, what: String, setting: String) throws -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first < utf8.endIndex, utf8.index(after: first) < utf8.endIndex,
                      let high = hexValue(utf8[first]), let low = hexValue(utf8[utf8.index(after: first)])
                else {
                    throw Self.error(setting, "has a % in the \(what) that is not followed by two hex digits; write a literal % as %25")
                }
                bytes.append(high << 4 | low)
                index = utf8.index(first, offsetBy: 2)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw Self.error(setting, "has a \(what) that is not UTF-8 once percent-decoded")
        }
        guard !decoded.unicodeScalars.contains("\0") else {
            throw Self.error(setting, "has a NUL character (%00) in the \(what), which SMTP AUTH cannot carry")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A value quoted in an error: at most 40 printable characters.
    private static func shown(_ value: String) -> String {
        let printable = String(String.UnicodeScalarView(value.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
        return printable.count > 40 ? String(printable.prefix(40)) + "…" : printable
    }

    private static func error(_ setting: String, _ problem: String) -> SMTPError {
        .invalidConfiguration("\(setting) \(problem)")
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
