import Foundation
import NIOSSL

/// Where and how to reach the mail server, read from `SMSRELAY_SMTP_URL` and its companions.
///
/// ```
/// smtp://[user:password@]host[:port][?tls=required|opportunistic|none][&auth=plain|login]
/// smtps://[user:password@]host[:port][?auth=plain|login]
/// ```
///
/// `smtp://` starts in plain text and upgrades with STARTTLS (port 587 unless given); `smtps://`
/// speaks TLS from the first byte (port 465). The user and password are percent-decoded.
/// Everything is checked here, at start-up, so a wrong setting is reported before the first message.
/// The password never appears in ``description`` or ``redactedDescription``.
public struct SMTPConfiguration: Sendable, CustomStringConvertible {
    /// How the connection is protected.
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        /// `smtps://`: TLS from the first byte.
        case implicit
        /// `smtp://` (the default): STARTTLS, and fail if the server does not offer it.
        case required
        /// `smtp://…?tls=opportunistic`: STARTTLS when offered, plain text otherwise (never with credentials).
        /// A TLS handshake that fails (an untrusted certificate) is an error, not a reason to fall back.
        case opportunistic
        /// `smtp://…?tls=none`: plain text; only for a relay on the loopback interface.
        case none
    }

    /// A SASL mechanism the client can use.
    public enum AuthMechanism: String, Sendable, Equatable, CaseIterable {
        case plain = "PLAIN"
        case login = "LOGIN"
    }

    /// A user name and its password. The password is kept out of every description and mirror.
    public struct Credentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        public let user: String
        let password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }

        public var description: String { "\(user) (password redacted)" }
        public var debugDescription: String { description }
        public var customMirror: Mirror { Mirror(self, children: ["user": user, "password": "<redacted>"]) }
    }

    public let host: String
    public let port: Int
    public let tls: TLSMode
    /// The mechanism named with `auth=`; `nil` means the best one the server offers (PLAIN, then LOGIN).
    public let authMechanism: AuthMechanism?
    public let credentials: Credentials?
    /// The file the password was read from (`SMSRELAY_SMTP_PASSWORD_FILE`), if it was.
    public let passwordFile: String?
    /// The PEM file given as `SMSRELAY_SMTP_CA_FILE`, whose certificates are trusted besides the system's.
    public let caFile: String?
    /// The certificates read from ``caFile``.
    let additionalTrustedCertificates: [NIOSSLCertificate]
    /// The name given in EHLO/HELO (`SMSRELAY_SMTP_HELO_NAME`); `nil` means the host name when it is
    /// fully qualified, else the address literal of the connection's local end.
    public let heloName: String?
    /// How long an open connection may stay unused before the client says QUIT (`SMSRELAY_SMTP_IDLE_SECONDS`).
    public let idleTimeout: Duration

    /// The idle limit when none is set: short enough that a server never holds a process for us
    /// long after a burst, long enough to carry a burst over one session.
    public static let defaultIdleTimeout = Duration.seconds(30)

    /// Reads and checks the configuration.
    ///
    /// - Parameters:
    ///   - url: the value of `SMSRELAY_SMTP_URL`.
    ///   - passwordFile: `SMSRELAY_SMTP_PASSWORD_FILE`, a file holding the password (a final newline is ignored),
    ///     for a URL that names a user but no password.
    ///   - caFile: `SMSRELAY_SMTP_CA_FILE`, a PEM file of extra CA certificates to trust.
    ///   - heloName: `SMSRELAY_SMTP_HELO_NAME`, a fully qualified domain name or an address literal.
    ///   - idleTimeout: `SMSRELAY_SMTP_IDLE_SECONDS`, how long an unused connection stays open.
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/invalidConfiguration`` that says what to fix.
    public init(
        url: String,
        passwordFile: String? = nil,
        caFile: String? = nil,
        heloName: String? = nil,
        idleTimeout: Duration = defaultIdleTimeout
    ) throws {
        let parsed = try SMTPURL(url)
        host = parsed.host
        port = parsed.port
        tls = parsed.tls
        authMechanism = parsed.auth
        if let heloName, !SMTPHeloName.isValidSetting(heloName) {
            throw SMTPError.invalidConfiguration(
                "SMSRELAY_SMTP_HELO_NAME \"\(heloName)\" is neither a fully qualified domain name (relay.example.org) nor an address literal ([192.0.2.7], [IPv6:2001:db8::7])"
            )
        }
        self.heloName = heloName
        guard idleTimeout > .zero else {
            throw SMTPError.invalidConfiguration("SMSRELAY_SMTP_IDLE_SECONDS must be at least 1 second")
        }
        self.idleTimeout = idleTimeout

        var password = parsed.password
        if let passwordFile {
            guard parsed.user != nil else {
                throw SMTPError.invalidConfiguration(
                    "SMSRELAY_SMTP_PASSWORD_FILE is set but SMSRELAY_SMTP_URL names no user; write it as smtp://USER@host"
                )
            }
            guard password == nil else {
                throw SMTPError.invalidConfiguration(
                    "SMSRELAY_SMTP_URL has a password and SMSRELAY_SMTP_PASSWORD_FILE is set too; keep only one of them"
                )
            }
            password = try Self.readPassword(passwordFile)
        }
        self.passwordFile = passwordFile
        if let user = parsed.user {
            guard let password else {
                throw SMTPError.invalidConfiguration(
                    "SMSRELAY_SMTP_URL names the user \"\(user)\" but no password; write smtp://user:password@host or set SMSRELAY_SMTP_PASSWORD_FILE"
                )
            }
            credentials = Credentials(user: user, password: password)
        } else {
            credentials = nil
            if authMechanism != nil {
                throw SMTPError.invalidConfiguration(
                    "SMSRELAY_SMTP_URL asks for auth=\(authMechanism!.rawValue.lowercased()) but names no user; write smtp://user:password@host"
                )
            }
        }

        self.caFile = caFile
        if let caFile {
            additionalTrustedCertificates = try Self.readCertificates(caFile)
        } else {
            additionalTrustedCertificates = []
        }
    }

    /// Whether the host is this machine (`localhost`, `127.0.0.0/8`, `::1`), the only place plain text is allowed.
    public var isLoopback: Bool { Self.isLoopback(host) }

    /// The URL with the password replaced by `***`, for logs and `config check`.
    public var redactedDescription: String {
        let scheme = tls == .implicit ? "smtps" : "smtp"
        var text = scheme + "://"
        if let credentials {
            text += Self.percentEncoded(credentials.user) + ":***@"
        }
        text += host.contains(":") ? "[\(host)]" : host
        text += ":\(port)"
        var options: [String] = []
        if tls != .implicit {
            options.append("tls=\(tls.rawValue)")
        }
        if let authMechanism {
            options.append("auth=\(authMechanism.rawValue.lowercased())")
        }
        if !options.isEmpty {
            text += "?" + options.joined(separator: "&")
        }
        return text
    }

    public var description: String { redactedDescription }

    /// The TLS settings: full certificate verification against the system's trust store plus ``caFile``.
    func makeTLSContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        if !additionalTrustedCertificates.isEmpty {
            configuration.additionalTrustRoots = [.certificates(additionalTrustedCertificates)]
        }
        return try NIOSSLContext(configuration: configuration)
    }

    static func isLoopback(_ host: String) -> Bool {
        let lower = host.lowercased()
        if lower == "localhost" || lower.hasSuffix(".localhost") || lower == "::1" || lower == "0:0:0:0:0:0:0:1" {
            return true
        }
        let octets = lower.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    private static func readPassword(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SMTPError.invalidConfiguration(
                "cannot read SMSRELAY_SMTP_PASSWORD_FILE \(path); check that the file exists and this user may read it"
            )
        }
        guard var password = String(data: data, encoding: .utf8) else {
            throw SMTPError.invalidConfiguration("SMSRELAY_SMTP_PASSWORD_FILE \(path) is not UTF-8 text")
        }
        while let last = password.last, last == "\n" || last == "\r" || last == "\r\n" {
            password.removeLast()
        }
        guard !password.isEmpty else {
            throw SMTPError.invalidConfiguration("SMSRELAY_SMTP_PASSWORD_FILE \(path) is empty; write the password in it")
        }
        guard !password.unicodeScalars.contains("\0") else {
            throw SMTPError.invalidConfiguration("SMSRELAY_SMTP_PASSWORD_FILE \(path) holds a NUL character, which SMTP AUTH cannot carry")
        }
        return password
    }

    private static func readCertificates(_ path: String) throws -> [NIOSSLCertificate] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SMTPError.invalidConfiguration(
                "cannot read SMSRELAY_SMTP_CA_FILE \(path); check that the file exists and this user may read it"
            )
        }
        let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(data))
        guard let certificates, !certificates.isEmpty else {
            throw SMTPError.invalidConfiguration(
                "SMSRELAY_SMTP_CA_FILE \(path) holds no PEM certificate; give a file with -----BEGIN CERTIFICATE----- blocks"
            )
        }
        return certificates
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
