import Logging
import MailKit
import SMSRelayConfig
import SMSRelayCore
import SESTransport
import SMTPTransport
import Transports

/// How a relay turns a message into an email and sends it, built from the settings.
/// Shared by the server's delivery worker and the Lambda handler.
public struct RelayDelivery: Sendable {
    public let transport: any MailTransport
    /// Routes the message by its destination number and renders it with that route's templates.
    public let compose: @Sendable (InboundMessage) throws -> Email

    /// Loads every template and opens the transport: a mistake in either fails here, at start-up.
    public init(settings: RelaySettings, logger: Logger) throws {
        let renderer = try EmailRenderer(templateSets: settings.templateSets)
        let routing = settings.routing
        compose = { message in try renderer.render(message, route: routing.route(for: message.to)) }
        switch settings.transport {
        case .maildir:
            transport = try MaildirTransport(root: settings.maildir)
        case .ses:
            do {
                transport = SESTransport(configuration: try SESConfiguration(environment: settings.sesEnvironment), logger: logger)
            } catch {
                throw ConfigError("SMSRELAY_TRANSPORT is ses: \(error)")
            }
        case .smtp:
            guard let smtp = settings.smtp else { throw ConfigError("SMSRELAY_TRANSPORT is smtp but SMSRELAY_SMTP_URL is not set") }
            do {
                let configuration = try SMTPConfiguration(
                    url: smtp.url, passwordFile: smtp.passwordFile, caFile: smtp.caFile,
                    heloName: smtp.heloName, idleTimeout: .seconds(smtp.idleSeconds))
                transport = SMTPTransport(configuration: configuration, logger: logger)
            } catch {
                // SMTPConfiguration names the setting at fault in its errors.
                throw ConfigError("\(error)")
            }
        }
    }
}
