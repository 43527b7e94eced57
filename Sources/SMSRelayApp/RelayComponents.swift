import ComponentConfig
import Foundation
import Logging
import MailKit
import MailRender
import SESTransport
import SMSRelayCore
import SMTPTransport
import Transports

/// The validated plan of a relay's delivery side: its templates loaded and its transport's own
/// settings read and checked. Making one is the validation both modes run at start-up, and
/// `smsrelay config check` makes one too, so it refuses what a start refuses. It creates nothing
/// and connects nowhere; ``open(logger:)`` does.
public struct RelayPlan: Sendable {
    let renderer: EmailRenderer
    let routing: RoutingTable
    let transport: TransportConfiguration

    /// - Throws: ``ConfigError`` naming the setting at fault.
    public init(settings: RelaySettings) throws {
        do {
            renderer = try EmailRenderer(templateSets: settings.templateSets)
        } catch {
            throw ConfigError("\(error)")
        }
        routing = settings.routing
        transport = try TransportConfiguration(settings: settings)
    }

    /// Where the transport delivers, for the start-up line and `config check`; never a secret.
    public var transportSummary: String { transport.summary }

    /// The transport, opened, and the composer.
    public func open(logger: Logger) throws -> RelayComponents {
        let renderer = self.renderer
        let routing = self.routing
        return RelayComponents(
            transport: try transport.open(logger: logger),
            compose: { message in try renderer.render(message, route: routing.route(for: message.to)) },
            transportSummary: transportSummary)
    }
}

/// How a relay turns a message into an email and sends it: shared by the server's delivery
/// worker and the Lambda function.
public struct RelayComponents: Sendable {
    public let transport: any MailTransport
    /// Routes the message by its destination number and renders it with that route's templates.
    public let compose: @Sendable (InboundMessage) throws -> Email
    public let transportSummary: String

    /// Validates and opens in one step.
    public init(settings: RelaySettings, logger: Logger) throws {
        self = try RelayPlan(settings: settings).open(logger: logger)
    }

    init(transport: any MailTransport, compose: @escaping @Sendable (InboundMessage) throws -> Email, transportSummary: String) {
        self.transport = transport
        self.compose = compose
        self.transportSummary = transportSummary
    }
}

/// The transport named by the `transport` setting, with the configuration it read and checked
/// from its own scope of the settings.
enum TransportConfiguration: Sendable {
    case maildir(URL)
    case ses(SESConfiguration)
    case smtp(SMTPConfiguration)

    init(settings: RelaySettings) throws {
        do {
            switch settings.transport {
            case .maildir:
                self = .maildir(settings.maildir)
            case .ses:
                self = .ses(try SESConfiguration(
                    config: settings.components.scoped(to: "ses"), aws: settings.components.rooted(at: ["aws"])))
            case .smtp:
                self = .smtp(try SMTPConfiguration(config: settings.components.scoped(to: "smtp")))
            }
        } catch {
            // Each transport names the setting at fault in its errors.
            throw ConfigError("\(SettingKey.transport.environmentName) is \(settings.transport.rawValue): \(error)")
        }
    }

    var summary: String {
        switch self {
        case .maildir(let root): "maildir → \(root.path)"
        case .ses(let configuration): "ses → \(configuration.endpoint.absoluteString) (\(configuration.region))"
        case .smtp(let configuration): "smtp → \(configuration.redactedDescription)"
        }
    }

    func open(logger: Logger) throws -> any MailTransport {
        var logger = logger
        switch self {
        case .maildir(let root):
            do {
                return try MaildirTransport(root: root)
            } catch {
                throw ConfigError("\(SettingKey.maildir.environmentName): \(error)")
            }
        case .ses(let configuration):
            logger[metadataKey: "transport"] = "ses"
            return SESTransport(configuration: configuration, logger: logger)
        case .smtp(let configuration):
            logger[metadataKey: "transport"] = "smtp"
            return SMTPTransport(configuration: configuration, logger: logger)
        }
    }
}
