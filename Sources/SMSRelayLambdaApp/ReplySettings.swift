import FlowrouteAPI
import Foundation
import Logging

/// Replies by email: where they are addressed, who may send them, and how they reach Flowroute.
/// Off (``domain`` nil) unless `SMSRELAY_REPLY_DOMAIN` is set; then nothing else changes in a
/// relayed email but its `Reply-To`.
public struct ReplySettings: Sendable, Equatable {
    /// The domain reply addresses are at, lowercased (`sms.example.com`); nil: replies are off.
    public var domain: String?
    /// `SMSRELAY_REPLY_SECRET` when configured; else the server keeps one in the data folder.
    public var secret: String?
    /// Addresses that may reply for every number, besides each route's recipients (`SMSRELAY_REPLY_FROM`).
    public var allowedSenders: [String]
    /// The authserv-id of the receiving MTA's `Authentication-Results` fields; nil: not checked.
    public var authservID: String?
    /// The longest reply text sent, in characters; a longer one is refused, never cut.
    public var maxCharacters: Int
    /// Whether a sent reply is confirmed by email.
    public var confirm: Bool
    /// Flowroute's Messaging API, which sends the replies.
    public var flowroute: FlowrouteSettings
    /// Lambda: where SES's receipt rule stores reply emails.
    public var s3: ReplyS3Settings?
    /// The embedded SMTP receiver for the reply domain; nil: off.
    public var receiver: ReplyReceiverSettings?

    public init(
        domain: String? = nil, secret: String? = nil, allowedSenders: [String] = [], authservID: String? = nil,
        maxCharacters: Int = 1600, confirm: Bool = false, flowroute: FlowrouteSettings = FlowrouteSettings(),
        s3: ReplyS3Settings? = nil, receiver: ReplyReceiverSettings? = nil
    ) {
        self.s3 = s3
        self.receiver = receiver
        self.domain = domain
        self.secret = secret
        self.allowedSenders = allowedSenders
        self.authservID = authservID
        self.maxCharacters = maxCharacters
        self.confirm = confirm
        self.flowroute = flowroute
    }

    /// Whether relayed emails carry a reply address.
    public var isEnabled: Bool { domain != nil }

    /// Whether `text` is a usable reply domain: a host name of at least two labels.
    package static func isDomain(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return text.utf8.count <= 253 && labels.count >= 2 && labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { $0.isASCIILetterOrDigit || $0 == UInt8(ascii: "-") }
        }
    }

    /// A reply secret long enough to resist guessing: at least 16 bytes.
    package static func isSecret(_ text: String) -> Bool {
        text.utf8.count >= 16
    }
}

/// The embedded SMTP receiver: where it listens, its certificate for STARTTLS, its size limit.
public struct ReplyReceiverSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var certificatePath: String?
    public var privateKeyPath: String?
    public var maxBytes: Int

    public init(host: String, port: Int, certificatePath: String? = nil, privateKeyPath: String? = nil, maxBytes: Int = 10 << 20) {
        self.host = host
        self.port = port
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.maxBytes = maxBytes
    }

    /// `host:port` or `[v6]:port` split, or nil when it is not one.
    package static func listenAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(" ") else { return nil }
        return (host, port)
    }
}

/// Where, in Lambda, SES's receipt rule stores each reply email: `<prefix><SES message id>` in a bucket.
public struct ReplyS3Settings: Sendable, Equatable {
    public var bucket: String
    public var prefix: String
    /// An endpoint override, addressed path-style; nil: S3's own.
    public var endpoint: URL?

    public init(bucket: String, prefix: String = "", endpoint: URL? = nil) {
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint = endpoint
    }

    /// Whether `name` follows S3's bucket naming rules: 3 to 63 of lowercase letters, digits, `.` and `-`.
    package static func isBucketName(_ name: String) -> Bool {
        (3...63).contains(name.utf8.count) && name.first != "-" && name.first != "." && name.last != "-"
            && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2D }
    }
}

/// Where and as whom the relay sends SMS through Flowroute.
public struct FlowrouteSettings: Sendable, Equatable {
    public var apiURL: URL
    public var accessKey: String?
    public var secretKey: String?

    public static let defaultAPIURL = URL(string: "https://api.flowroute.com")!

    public init(apiURL: URL = defaultAPIURL, accessKey: String? = nil, secretKey: String? = nil) {
        self.apiURL = apiURL
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    /// The client that sends with these keys; nil unless both are set.
    package func client(logger: Logger) -> FlowrouteClient? {
        guard let accessKey, let secretKey else { return nil }
        return FlowrouteClient(
            baseURL: apiURL, credentials: FlowrouteCredentials(accessKey: accessKey, secretKey: secretKey), logger: logger)
    }

    /// Whether `url` may carry the credentials: https, or plain http to this host only (tests).
    package static func isAcceptable(_ url: URL) -> Bool {
        guard let host = url.host, !host.isEmpty else { return false }
        switch url.scheme?.lowercased() {
        case "https": return true
        case "http": return ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased())
        default: return false
        }
    }
}

extension UInt8 {
    /// `0-9`, `A-Z` or `a-z`.
    package var isASCIILetterOrDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}
