import Logging
import ServiceLifecycle
import SMTPReceiver
import UnixSignals
import SMSRelayLambdaApp

/// Re-reads the SMTP receiver's certificate and key on each SIGHUP, so that a renewed
/// certificate needs no restart; a file that cannot be used keeps the old one (and is logged).
struct CertificateReloader: Service {
    let receiver: SMTPReceiverServer
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            if receiver.reloadCertificates() {
                logger.notice("SIGHUP: the SMTP receiver's certificate was read again")
            }
        }
    }
}

extension ReplyReceiverSettings {
    /// The receiver's configuration: this host and port, the reply domain in its greeting.
    func configuration(domain: String) -> SMTPReceiverConfiguration {
        SMTPReceiverConfiguration(
            host: host, port: port, hostname: domain, maximumMessageSize: maxBytes,
            tls: certificatePath.flatMap { certificate in
                privateKeyPath.map { SMTPReceiverConfiguration.TLS(certificatePath: certificate, privateKeyPath: $0) }
            })
    }
}
