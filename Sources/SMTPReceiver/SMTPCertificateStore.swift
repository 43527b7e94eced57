import Logging
import NIOSSL
import Synchronization

/// The TLS context STARTTLS uses, made from a PEM certificate chain and key file, and made again
/// from the same files on ``reload()``. A reload that fails keeps the context it had.
final class SMTPCertificateStore: Sendable {
    let files: SMTPReceiverConfiguration.TLS
    private let logger: Logger
    private let context: Mutex<NIOSSLContext>

    /// Reads the files; throws if they cannot be used, so a bad certificate stops the start-up.
    init(_ files: SMTPReceiverConfiguration.TLS, logger: Logger) throws(SMTPReceiverError) {
        self.files = files
        self.logger = logger
        self.context = Mutex(try Self.load(files))
    }

    /// The context new STARTTLS sessions get.
    var current: NIOSSLContext {
        context.withLock { $0 }
    }

    /// Reads the files again; on failure logs why and keeps the current certificate.
    @discardableResult
    func reload() -> Bool {
        do {
            let fresh = try Self.load(files)
            context.withLock { $0 = fresh }
            logger.info("SMTP receiver certificate reloaded", metadata: ["certificate_file": "\(files.certificatePath)"])
            return true
        } catch {
            logger.error("SMTP receiver certificate not reloaded; keeping the previous one", metadata: ["error": "\(error)"])
            return false
        }
    }

    static func load(_ files: SMTPReceiverConfiguration.TLS) throws(SMTPReceiverError) -> NIOSSLContext {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath)
            guard !chain.isEmpty else {
                throw SMTPReceiverError(.certificateUnreadable, "SMTP receiver: \(files.certificatePath) holds no PEM certificate")
            }
            let key = try NIOSSLPrivateKey(file: files.privateKeyPath, format: .pem)
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(key)
            )
            return try NIOSSLContext(configuration: configuration)
        } catch let error as SMTPReceiverError {
            throw error
        } catch {
            throw SMTPReceiverError(
                .certificateUnreadable,
                "SMTP receiver: cannot use the certificate \(files.certificatePath) with the key \(files.privateKeyPath) (\(error)); check that both are readable PEM files and belong together"
            )
        }
    }
}
