import ComponentConfig
import Foundation
import NIOSSL

/// Where and how to reach the mail server, read from the `url` setting of its scope and its
/// companions (``init(config:)``), or given directly.
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

    /// The names of the settings, as the user writes them, for messages that say what to change.
    public struct SettingNames: Sendable, Equatable {
        public var url: String
        public var passwordFile: String
        public var caFile: String
        public var heloName: String
        public var idleSeconds: String

        public init(url: String, passwordFile: String, caFile: String, heloName: String, idleSeconds: String) {
            self.url = url
            self.passwordFile = passwordFile
            self.caFile = caFile
            self.heloName = heloName
            self.idleSeconds = idleSeconds
        }

        /// The names of the keys of a configuration scope.
        public init(_ config: ComponentConfig) {
            self.init(
                url: config.name("url"), passwordFile: config.name("password_file"), caFile: config.name("ca_file"),
                heloName: config.name("helo_name"), idleSeconds: config.name("idle_seconds"))
        }

        /// Plain descriptions, for a configuration given in code.
        public static let descriptive = SettingNames(
            url: "the SMTP URL", passwordFile: "the SMTP password file", caFile: "the SMTP CA file",
            heloName: "the EHLO name", idleSeconds: "the SMTP idle time")
    }

    /// How the settings are named in messages.
    public let names: SettingNames
    public let host: String
    public let port: Int
    public let tls: TLSMode
    /// The mechanism named with `auth=`; `nil` means the best one the server offers (PLAIN, then LOGIN).
    public let authMechanism: AuthMechanism?
    public let credentials: Credentials?
    /// The file the password was read from (`password_file`), if it was.
    public let passwordFile: String?
    /// The PEM file given as `ca_file`, whose certificates are trusted besides the system's.
    public let caFile: String?
    /// The certificates read from ``caFile``.
    let additionalTrustedCertificates: [NIOSSLCertificate]
    /// The name given in EHLO/HELO (`helo_name`); `nil` means the host name when it is
    /// fully qualified, else the address literal of the connection's local end.
    public let heloName: String?
    /// How long an open connection may stay unused before the client says QUIT (`idle_seconds`).
    public let idleTimeout: Duration

    /// The idle limit when none is set: short enough that a server never holds a process for us
    /// long after a burst, long enough to carry a burst over one session.
    public static let defaultIdleTimeout = Duration.seconds(30)

    /// Reads and checks the settings of a scope: `url` (required), `password_file`, `ca_file`,
    /// `helo_name` and `idle_seconds` (1 to 3600, default 30). Every error names the setting as the
    /// user writes it.
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/invalidConfiguration`` that says what to fix.
    public init(config: ComponentConfig) throws {
        let names = SettingNames(config)
        guard let url = config.string("url", isSecret: true) else {
            throw SMTPError.invalidConfiguration(
                "\(names.url) is not set; e.g. smtp://user@smtp.example.com:587 with \(names.passwordFile), or smtps://user:password@smtp.example.com:465")
        }
        let idleSeconds: Int
        do {
            idleSeconds = try config.int("idle_seconds", default: Int(Self.defaultIdleTimeout.components.seconds), in: 1...3600)
        } catch {
            throw SMTPError.invalidConfiguration(error.message)
        }
        try self.init(
            url: url, passwordFile: config.string("password_file"), caFile: config.string("ca_file"),
            heloName: config.string("helo_name"), idleTimeout: .seconds(idleSeconds), names: names)
    }

    /// Checks a configuration given in code.
    ///
    /// - Parameters:
    ///   - url: `smtp://…` or `smtps://…`, as above.
    ///   - passwordFile: a file holding the password (a final newline is ignored), for a URL that
    ///     names a user but no password.
    ///   - caFile: a PEM file of extra CA certificates to trust.
    ///   - heloName: a fully qualified domain name or an address literal.
    ///   - idleTimeout: how long an unused connection stays open.
    ///   - names: how messages name the settings.
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/invalidConfiguration`` that says what to fix.
    public init(
        url: String,
        passwordFile: String? = nil,
        caFile: String? = nil,
        heloName: String? = nil,
        idleTimeout: Duration = defaultIdleTimeout,
        names: SettingNames = .descriptive
    ) throws {
        self.names = names
        let parsed = try SMTPURL(url, setting: names.url)
        host = parsed.host
        port = parsed.port
        tls = parsed.tls
        authMechanism = parsed.auth
        if let heloName, !SMTPHeloName.isValidSetting(heloName) {
            throw SMTPError.invalidConfiguration(
                "\(names.heloName) \"\(heloName)\" is neither a fully qualified domain name (relay.example.org) nor an address literal ([192.0.2.7], [IPv6:2001:db8::7])"
            )
        }
        self.heloName = heloName
        guard idleTimeout > .zero else {
            throw SMTPError.invalidConfiguration("\(names.idleSeconds) must be at least 1 second")
        }
        self.idleTimeout = idleTimeout

        var password = parsed.password
        if let passwordFile {
            guard parsed.user != nil else {
                throw SMTPError.invalidConfiguration(
                    "\(names.passwordFile) is set but \(names.url) names no user; write it as smtp://USER@host"
                )
            }
            guard password == nil else {
                throw SMTPError.invalidConfiguration(
                    "\(names.url) has a password and \(names.passwordFile) is set too; keep only one of them"
                )
            }
            password = try Self.readPassword(passwordFile, setting: names.passwordFile)
        }
        self.passwordFile = passwordFile
        if let user = parsed.user {
            guard let password else {
                throw SMTPError.invalidConfiguration(
                    "\(names.url) names the user \"\(user)\" but no password; write smtp://user:password@host or set \(names.passwordFile)"
                )
            }
            credentials = Credentials(user: user, password: password)
        } else {
            credentials = nil
            if let authMechanism {
                throw SMTPError.invalidConfiguration(
                    "\(names.url) asks for auth=\(authMechanism.rawValue.lowercased()) but names no user; write smtp://user:password@host"
                )
            }
        }

        self.caFile = caFile
        if let caFile {
            additionalTrustedCertificates = try Self.readCertificates(caFile, setting: names.caFile)
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

    private static func readPassword(_ path: String, setting: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SMTPError.invalidConfiguration(
                "cannot read \(setting) \(path); check that the file exists and this user may read it"
            )
        }
        guard var password = String(data: data, encoding: .utf8) else {
            throw SMTPError.invalidConfiguration("\(setting) \(path) is not UTF-8 text")
        }
        while let last = password.last, last == "\n" || last == "\r" || last == "\r\n" {
            password.removeLast()
        }
        guard !password.isEmpty else {
            throw SMTPError.invalidConfiguration("\(setting) \(path) is empty; write the password in it")
        }
        guard !password.unicodeScalars.contains("\0") else {
            throw SMTPError.invalidConfiguration("\(setting) \(path) holds a NUL character, which SMTP AUTH cannot carry")
        }
        return password
    }

    private static func readCertificates(_ path: String, setting: String) throws -> [NIOSSLCertificate] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SMTPError.invalidConfiguration(
                "cannot read \(setting) \(path); check that the file exists and this user may read it"
            )
        }
        let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(data))
        guard let certificates, !certificates.isEmpty else {
            throw SMTPError.invalidConfiguration(
                "\(setting) \(path) holds no PEM certificate; give a file with -----BEGIN CERTIFICATE----- blocks"
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
