import Foundation
import NIOCore
import NIOSSL
import PostgresNIO

/// The connection settings for a ``DatabaseURL``, TLS as libpq does it: for the pool, and for
/// the one connection that checks the database and migrates it at start-up.
enum PostgresConnectionSettings {
    struct Unusable: Error, CustomStringConvertible {
        var description: String
    }

    /// Whether and how the connection uses TLS.
    enum TLSChoice {
        case disable
        case prefer(TLSConfiguration)
        case require(TLSConfiguration)
    }

    static func poolConfiguration(_ url: DatabaseURL, maximumConnections: Int) throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch try tls(url) {
            case .disable: .disable
            case .prefer(let configuration): .prefer(configuration)
            case .require(let configuration): .require(configuration)
            }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = url.connectTimeout
        if let name = url.applicationName {
            configuration.options.additionalStartupParameters = [("application_name", name)]
        }
        return configuration
    }

    static func connectionConfiguration(_ url: DatabaseURL) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch try tls(url) {
            case .disable: .disable
            case .prefer(let configuration): .prefer(try NIOSSLContext(configuration: configuration))
            case .require(let configuration): .require(try NIOSSLContext(configuration: configuration))
            }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(url.connectTimeout.components.seconds)
        if let name = url.applicationName {
            configuration.options.additionalStartupParameters = [("application_name", name)]
        }
        return configuration
    }

    static func tls(_ url: DatabaseURL) throws -> TLSChoice {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let path = url.rootCertificatePath {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw Unusable(description: "sslrootcert \(path) cannot be read")
            }
            tls.trustRoots = .file(path)
        }
        switch url.sslMode {
        case .disable:
            return .disable
        case .prefer:
            tls.certificateVerification = .none
            return .prefer(tls)
        case .require:
            // libpq: with a root certificate given, `require` checks the chain as `verify-ca` does.
            tls.certificateVerification = url.rootCertificatePath == nil ? .none : .noHostnameVerification
            return .require(tls)
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
            return .require(tls)
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            return .require(tls)
        }
    }
}
