/// A command line the client sends (RFC 5321 §4.1, RFC 3207, RFC 4954).
///
/// Its ``description`` is safe to log: the lines that carry credentials are redacted.
public enum SMTPCommand: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    case ehlo(String)
    case helo(String)
    case startTLS
    /// `AUTH PLAIN` with its initial response, base64 of `\0user\0password`.
    case authPlain(initialResponse: String)
    case authLogin
    /// A base64 answer to a `334` challenge: the user or the password.
    case authResponse(String)
    /// `MAIL FROM:<address>` with ESMTP parameters such as `SIZE=1234`.
    case mail(from: String, parameters: [String])
    case recipient(String)
    case data
    /// The lone `.` that ends a DATA section with no content, sent when the server accepted DATA
    /// in a pipelined group although no recipient was accepted (RFC 2920 §3.1).
    case emptyDataTerminator
    case reset
    case quit

    /// The command as sent, without the CRLF.
    var line: String {
        switch self {
        case .ehlo(let name): "EHLO \(name)"
        case .helo(let name): "HELO \(name)"
        case .startTLS: "STARTTLS"
        case .authPlain(let response): "AUTH PLAIN \(response)"
        case .authLogin: "AUTH LOGIN"
        case .authResponse(let response): response
        case .mail(let from, let parameters): (["MAIL FROM:<\(from)>"] + parameters).joined(separator: " ")
        case .recipient(let address): "RCPT TO:<\(address)>"
        case .data: "DATA"
        case .emptyDataTerminator: "."
        case .reset: "RSET"
        case .quit: "QUIT"
        }
    }

    /// The command as sent, with its CRLF.
    var bytes: [UInt8] {
        Array(line.utf8) + [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
    }

    public var description: String {
        switch self {
        case .authPlain: "AUTH PLAIN <redacted>"
        case .authResponse: "<redacted>"
        default: line
        }
    }

    public var debugDescription: String { description }
    /// Also redacted, so that `dump` and test failure messages cannot show a credential.
    public var customMirror: Mirror { Mirror(self, children: ["line": description]) }
}
