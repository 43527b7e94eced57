/// The service extensions a server listed in its EHLO reply (RFC 5321 §4.1.1.1).
///
/// The first line of the reply is the server's greeting; each following line is an extension
/// keyword with optional parameters, e.g. `SIZE 35882577`, `AUTH PLAIN LOGIN`, `STARTTLS`.
/// After HELO (no extensions) the capabilities are ``none``.
public struct SMTPCapabilities: Sendable, Equatable {
    /// Upper-cased keyword → its parameters, as the server wrote them.
    public let extensions: [String: [String]]

    /// No extension at all: what a server that only understood HELO offers.
    public static let none = SMTPCapabilities(extensions: [:])

    public init(extensions: [String: [String]]) {
        self.extensions = extensions
    }

    /// Reads the extensions from a positive EHLO reply.
    public init(ehloReply reply: SMTPReply) {
        var extensions: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard !words.isEmpty else { continue }
            var keyword = words.removeFirst().uppercased()
            // Some old servers write `AUTH=PLAIN LOGIN` besides `AUTH PLAIN LOGIN`.
            if keyword.hasPrefix("AUTH=") {
                words.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            extensions[keyword, default: []].append(contentsOf: words)
        }
        self.extensions = extensions
    }

    /// Whether the server advertised `keyword` (case-insensitive).
    public func supports(_ keyword: String) -> Bool {
        extensions[keyword.uppercased()] != nil
    }

    /// RFC 3207: the server can switch this connection to TLS.
    public var startTLS: Bool { supports("STARTTLS") }
    /// RFC 2920: commands may be sent in groups without waiting for each reply.
    public var pipelining: Bool { supports("PIPELINING") }
    /// RFC 6152: the server takes 8-bit message bodies (`BODY=8BITMIME`).
    public var eightBitMIME: Bool { supports("8BITMIME") }
    /// RFC 6531: the server takes UTF-8 addresses (`SMTPUTF8`).
    public var smtpUTF8: Bool { supports("SMTPUTF8") }

    /// RFC 1870: the largest message the server takes, in octets; `nil` when it gave no limit.
    public var maximumSize: Int? {
        guard let value = extensions["SIZE"]?.first, let size = Int(value), size > 0 else { return nil }
        return size
    }

    /// RFC 4954: the SASL mechanisms the server offers, upper-cased.
    public var authMechanisms: Set<String> {
        Set((extensions["AUTH"] ?? []).map { $0.uppercased() })
    }
}
