import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SMTPError {
    /// Turns what NIO or NIOSSL threw into an ``SMTPError`` that says what happened in words a
    /// person can act on. Every failure of the connection itself is transient.
    /// - Parameter names: how the advice names the settings to check.
    static func channel(_ error: any Error, server: String, names: SMTPConfiguration.SettingNames, connecting: Bool = false) -> SMTPError {
        if let error = error as? SMTPError {
            return error
        }
        let trustAdvice = "if the server uses a private or self-signed certificate, set \(names.caFile) to the PEM file of its CA"
        if let error = error as? NIOSSLError {
            if case .handshakeFailed(let underlying) = error {
                let detail = String(describing: underlying)
                if detail.contains("CERTIFICATE_VERIFY_FAILED") {
                    return SMTPError(
                        .certificateUntrusted,
                        "the TLS certificate of the SMTP server \(server) could not be verified (it is not signed by a trusted CA, or has expired); \(trustAdvice)",
                        isTransient: true
                    )
                }
                return SMTPError(
                    .tlsHandshakeFailed,
                    "the TLS handshake with the SMTP server \(server) failed (\(reason(detail))); \(names.url) should say smtps:// for a port that speaks TLS from the start (465) and smtp:// for one that uses STARTTLS (587)",
                    isTransient: true
                )
            }
            return SMTPError(.tlsHandshakeFailed, "TLS with the SMTP server \(server) failed: \(error)", isTransient: true)
        }
        if let error = error as? NIOSSLExtraError {
            if error == .failedToValidateHostname || error == .serverHostnameImpossibleToMatch {
                return SMTPError(
                    .certificateUntrusted,
                    "the TLS certificate of the SMTP server \(server) is for another host name; use the name the certificate was issued for in \(names.url), or \(trustAdvice)",
                    isTransient: true
                )
            }
            return SMTPError(.tlsHandshakeFailed, "TLS with the SMTP server \(server) failed: \(error)", isTransient: true)
        }
        if connecting {
            return SMTPError(
                .connectionFailed,
                "cannot connect to the SMTP server \(server): \(describe(error)); check the host and port in \(names.url) and that the server is up",
                isTransient: true
            )
        }
        return SMTPError(
            .connectionClosed,
            "the connection to the SMTP server \(server) broke: \(describe(error))",
            isTransient: true
        )
    }

    /// The BoringSSL reason in an error stack, e.g. `WRONG_VERSION_NUMBER`, without the source paths.
    private static func reason(_ detail: String) -> String {
        guard let marker = detail.range(of: "OPENSSL_internal:") else {
            return String(detail.prefix(200))
        }
        let name = detail[marker.upperBound...].prefix { $0.isUppercase || $0.isNumber || $0 == "_" }
        return name.isEmpty ? String(detail.prefix(200)) : String(name)
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout: return "no answer within the connect time limit"
            case .ioOnClosedChannel, .alreadyClosed, .eof: return "the connection was closed"
            default: return String(describing: error)
            }
        }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first {
                return describe(first.error)
            }
            if error.dnsAError != nil || error.dnsAAAAError != nil {
                return "the host name could not be resolved"
            }
        }
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode))
        }
        return String(describing: error)
    }
}
