import Foundation

/// Where the PostgreSQL outbox lives: `postgres://user:password@host:port/database?sslmode=…`,
/// as libpq reads it. The password is percent-decoded and never part of ``description``.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection uses TLS, with libpq's names and meanings.
    public enum SSLMode: String, Sendable, CaseIterable {
        /// Plain text only.
        case disable
        /// TLS when the server offers it, the certificate not checked (libpq's `allow` reads the same).
        case prefer
        /// TLS or no connection; the certificate checked against `sslrootcert` only when one is given.
        case require
        /// TLS, the certificate signed by a trusted root (`sslrootcert`, else the system's).
        case verifyCA = "verify-ca"
        /// As `verify-ca`, and the certificate names the host connected to.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// A PEM file of the roots the server's certificate must chain to; nil for the system's.
    public var rootCertificatePath: String?
    /// How long opening one connection may take.
    public var connectTimeout: Duration
    public var applicationName: String?

    /// The query parameters read; any other is refused, so that a misspelt `sslmode` cannot
    /// quietly turn TLS off.
    public static let parameters = ["sslmode", "sslrootcert", "connect_timeout", "application_name"]

    public init(parsing text: String) throws(DatabaseURLError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw DatabaseURLError("is not a URL; expected postgres://user:password@host:5432/database")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw DatabaseURLError("starts with \(scheme)://; expected postgres:// or postgresql://")
        }
        guard var host = components.host, !host.isEmpty else {
            throw DatabaseURLError("names no host; expected postgres://user:password@host:5432/database")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.removingPercentEncoding ?? host
        port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw DatabaseURLError("has port \(port), outside 1–65535") }
        guard let user = components.user?.removingPercentEncoding ?? components.user, !user.isEmpty else {
            throw DatabaseURLError("names no user; expected postgres://user:password@host:5432/database")
        }
        self.user = user
        password = components.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 }
        let path = components.percentEncodedPath.drop(while: { $0 == "/" })
        database = path.isEmpty ? user : (String(path).removingPercentEncoding ?? String(path))
        sslMode = .prefer
        connectTimeout = .seconds(10)
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                if value == "allow" {
                    sslMode = .prefer
                } else if let mode = SSLMode(rawValue: value) {
                    sslMode = mode
                } else {
                    throw DatabaseURLError(
                        "has sslmode=\(value); expected one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            case "sslrootcert":
                rootCertificatePath = value == "system" || value.isEmpty ? nil : value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw DatabaseURLError("has connect_timeout=\(value); expected a whole number of seconds above 0")
                }
                connectTimeout = .seconds(seconds)
            case "application_name":
                applicationName = value
            default:
                throw DatabaseURLError(
                    "has the parameter \(item.name), which is not read; the parameters read are "
                        + Self.parameters.joined(separator: ", "))
            }
        }
    }

    /// The URL without its password, for logs and `config check`.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        var text = "postgres://\(user)@\(shownHost):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
        if let rootCertificatePath { text += "&sslrootcert=\(rootCertificatePath)" }
        return text
    }
}

/// A database URL that cannot be used, said in words that name what to fix (never the password).
public struct DatabaseURLError: Error, Equatable, CustomStringConvertible {
    public var reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "the database URL \(reason)" }
}
