import Foundation
import NIOSSL
import PostgresNIO

/// The connection pool's configuration for a ``DatabaseURL``, TLS as libpq does it.
enum PostgresConnectionSettings {
    struct Unusable: Error, CustomStringConvertible {
        var description: String
    }

    static func configuration(_ url: DatabaseURL, maximumConnections: Int) throws -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: try tls(url))
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = url.connectTimeout
        if let name = url.applicationName {
            configuration.options.additionalStartupParameters = [("application_name", name)]
        }
        return configuration
    }

    static func tls(_ url: DatabaseURL) throws -> PostgresClient.Configuration.TLS {
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
