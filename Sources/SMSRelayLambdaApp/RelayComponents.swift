import AWSCredentialChain
import CarrierAPI
import ComponentConfig
import FlowrouteAPI
import Foundation
import Logging
import MailKit
import MailRender
import MediaFetch
import ReplyAddress
import S3Objects
import SESTransport
import SigV4
import SMSRelayCore
import SMTPTransport
import Transports

/// The validated plan of a relay's delivery side: its templates loaded and its transport's own
/// settings read and checked. Making one is the validation both modes run at start-up, and
/// `smsrelay config check` makes one too, so it refuses what a start refuses. It creates nothing
/// and connects nowhere; ``open(logger:)`` does.
public struct RelayPlan: Sendable {
    package let renderer: EmailRenderer
    package let routing: RoutingTable
    package let transport: TransportConfiguration
    /// The most messages in flight at once: the SMTP transport opens up to this many connections.
    package let concurrency: Int
    package let media: MediaSettings
    /// The media fetcher's rules, when media are fetched.
    package let mediaPolicy: MediaFetchPolicy?
    package let replies: ReplySettings
    package let carriers: CarrierSettings
    package let notices: NoticeRenderer
    /// Where the AWS clients (SES, and S3 in Lambda) get their credentials, when one of them is
    /// used and a source is configured.
    package let awsCredentials: AWSCredentialSource?

    /// - Parameter lambda: whether this is the Lambda function, which has no EC2 instance
    ///   metadata service to take credentials from (and reads replies from S3).
    /// - Throws: ``ConfigError`` naming the setting at fault.
    public init(settings: RelaySettings, lambda: Bool = false) throws {
        do {
            renderer = try EmailRenderer(templateSets: settings.templateSets, timeZone: settings.timeZone)
        } catch {
            throw ConfigError("\(error)")
        }
        routing = settings.routing
        awsCredentials = try Self.awsCredentials(settings, lambda: lambda)
        transport = try TransportConfiguration(settings: settings, credentials: awsCredentials, lambda: lambda)
        concurrency = settings.deliveryConcurrency
        media = settings.media
        mediaPolicy = settings.media.fetch ? try Self.mediaPolicy(settings.media, carriers: settings.carriers) : nil
        replies = settings.replies
        carriers = settings.carriers
        do {
            notices = try NoticeRenderer()
        } catch {
            throw ConfigError("\(error)")
        }
    }

    /// The Lambda function has no data folder to keep a generated reply secret in, and replies
    /// reach it only through SES and S3.
    /// - Throws: ``ConfigError`` when replies are on without `SMSRELAY_REPLY_SECRET` or
    ///   `SMSRELAY_REPLY_S3_BUCKET`.
    package static func lambdaReplySecret(_ settings: RelaySettings) throws -> String? {
        guard settings.replies.isEnabled else { return nil }
        guard let secret = settings.replies.secret else {
            throw ConfigError(
                "\(SettingKey.replyDomain.environmentName) is set but \(SettingKey.replySecret.environmentName) is not: "
                    + "a Lambda function has no data folder to keep a generated one in; set it to a long random value "
                    + "(e.g. `openssl rand -hex 32`) and keep it, as the reply addresses given out depend on it")
        }
        guard settings.replies.s3 != nil else {
            throw ConfigError(
                "\(SettingKey.replyDomain.environmentName) is set but \(SettingKey.replyS3Bucket.environmentName) is not: "
                    + "in Lambda, replies arrive through SES receiving, which stores them in that bucket (template.yaml's ReplyDomain sets it up)")
        }
        return secret
    }

    /// The source of the AWS credentials, when SES sends or (in Lambda) replies are read from S3:
    /// the first configured of the settings' key, a web identity, the container endpoint and, on
    /// a server, the instance metadata service. Nil when none is.
    package static func awsCredentials(_ settings: RelaySettings, lambda: Bool) throws -> AWSCredentialSource? {
        let sesSends = settings.transport == .ses
        guard sesSends || (lambda && (settings.replies.s3 != nil || settings.idempotency != nil)) else { return nil }
        do {
            return try AWSCredentialSource.resolve(config: settings.components.rooted(at: ["aws"]), instanceMetadata: !lambda)
        } catch {
            let user = sesSends
                ? "\(SettingKey.transport.environmentName) is \(settings.transport.rawValue)"
                : settings.replies.s3 != nil
                    ? "\(SettingKey.replyS3Bucket.environmentName) is set" : "\(SettingKey.idempotencyTable.environmentName) is set"
            throw ConfigError("\(user): AWS credentials from the \(error)")
        }
    }

    /// Lambda: the S3 client that reads reply emails, with the function's AWS credentials and region.
    /// - Parameter credentials: the provider made from ``awsCredentials``, nil when there is none.
    package static func replyS3Client(_ settings: RelaySettings, credentials: (any AWSCredentialProvider)?, logger: Logger) throws -> S3Client? {
        guard let location = settings.replies.s3 else { return nil }
        let (credentials, region) = try lambdaAWS(settings, credentials: credentials, for: SettingKey.replyS3Bucket)
        var s3Logger = logger
        s3Logger[metadataKey: "component"] = "s3"
        return S3Client(
            configuration: S3Configuration(credentials: credentials, region: region, endpoint: location.endpoint),
            logger: s3Logger)
    }

    /// Lambda: the function's AWS credentials and region, for the client `setting` turns on.
    /// - Throws: ``ConfigError`` naming what Lambda should have set, when either is missing.
    package static func lambdaAWS(
        _ settings: RelaySettings, credentials: (any AWSCredentialProvider)?, for setting: SettingKey
    ) throws -> (any AWSCredentialProvider, String) {
        let aws = settings.components.rooted(at: ["aws"])
        guard let credentials else {
            throw ConfigError(
                "\(setting.environmentName) is set, but \(aws.name("access_key_id")) and \(aws.name("secret_access_key")) "
                    + "are not: Lambda sets them from the function's role")
        }
        guard let region = aws.string("region") ?? aws.string("default_region") else {
            throw ConfigError("\(setting.environmentName) is set, but \(aws.name("region")) is not: Lambda sets it")
        }
        return (credentials, region)
    }

    private static func mediaPolicy(_ media: MediaSettings, carriers: CarrierSettings) throws -> MediaFetchPolicy {
        let trusted: TrustedHosts
        do {
            trusted = try TrustedHosts(parsing: media.trustedHosts, setting: SettingKey.mediaTrustedHosts.environmentName)
        } catch {
            throw ConfigError("\(error)")
        }
        return MediaFetchPolicy(
            userAgent: "smsrelay/\(SMSRelayVersion.current)", trustedHosts: trusted, timeout: media.timeout,
            credentials: carriers.mediaCredentials)
    }

    /// Where the transport delivers (and, for SES, where its credentials come from), for the
    /// start-up line and `config check`; never a secret.
    public var transportSummary: String {
        guard case .ses = transport, let awsCredentials else { return transport.summary }
        return "\(transport.summary); credentials: \(awsCredentials)"
    }

    /// The provider of the AWS clients' credentials, made from ``awsCredentials``.
    package func awsCredentialProvider(logger: Logger) -> (any AWSCredentialProvider)? {
        var logger = logger
        logger[metadataKey: "component"] = "aws-credentials"
        return awsCredentials?.provider(logger: logger)
    }

    /// The transport, opened, and the composers.
    /// - Parameter replySecret: the key of the reply addresses, when replies are on.
    public func open(logger: Logger, replySecret: String? = nil) throws -> RelayComponents {
        let renderer = self.renderer
        let routing = self.routing
        let notices = self.notices
        var mediaLogger = logger
        mediaLogger[metadataKey: "component"] = "media"
        let codec = replySecret.flatMap { secret in replies.domain.map { ReplyAddressCodec(secret: secret, domain: $0) } }
        // A text between two numbers answers its texter; a group text, its whole conversation.
        let replyTo: @Sendable (String?, String, String, String?) -> Mailbox? = { carrier, ours, texter, conversation in
            let reply = ReplyAddress(
                carrier: carrier.flatMap(Carrier.init(rawValue:)) ?? .flowroute, ourNumber: RoutingTable.normalize(ours),
                texterNumber: RoutingTable.normalize(texter), groupCode: conversation.map(ReplyAddress.groupCode(conversationKey:)))
            return codec?.address(for: reply).map { Mailbox(displayName: reply.displayName, address: $0) }
        }
        let senders = carriers.senders(flowroute: replies.flowroute, logger: logger)
        // One provider for every AWS client, so that they share its cached credentials.
        let credentials = awsCredentialProvider(logger: logger)
        return RelayComponents(
            transport: try transport.open(logger: logger, credentials: credentials, connections: concurrency),
            compose: { message, media, thread in
                var email = try renderer.render(message, route: routing.route(for: message.to), media: media, thread: thread)
                email.replyTo = replyTo(message.carrier, message.to, message.from, message.isGroup ? Conversation(message).key : nil)
                return email
            },
            transportSummary: transportSummary,
            media: media,
            mediaDownloader: mediaPolicy.map { MediaFetcher(policy: $0, logger: mediaLogger) },
            composeNotice: { notice in
                try notices.render(
                    notice, sender: routing.route(for: notice.ourNumber).sender,
                    replyTo: notice.isGroup == true ? nil : replyTo(notice.carrier, notice.ourNumber, notice.texterNumber, nil))
            },
            senders: senders,
            codec: codec,
            awsCredentials: credentials)
    }
}

/// Routes a message by its destination number and renders it with that route's templates, what
/// became of its media (nil: links only) and the thread of its conversation it goes in (nil: the
/// month it was received in, ``ConversationThread/month(of:)``).
public typealias ComposeEmail = @Sendable (InboundMessage, [MediaOutcome]?, ConversationThread?) throws -> Email

/// How a relay turns a message into an email and sends it: shared by the server's delivery
/// worker and the Lambda function.
public struct RelayComponents: Sendable {
    public let transport: any MailTransport
    /// Routes the message by its destination number and renders it with that route's templates,
    /// what became of its media (nil: links only) and its conversation's thread.
    public let compose: ComposeEmail
    public let transportSummary: String
    public let media: MediaSettings
    /// Downloads media; nil when fetching is off.
    package let mediaDownloader: (any MediaDownloading)?
    /// Renders the notice to a person who replied.
    package let composeNotice: @Sendable (ReplyNotice) throws -> Email
    /// Sends replies as SMS, by carrier tag: each carrier that is on and has its API credentials.
    package let senders: [String: any TextSender]
    /// Makes and reads reply addresses; nil when replies are off.
    package let codec: ReplyAddressCodec?
    /// The credentials of the AWS clients; nil when none is used.
    package let awsCredentials: (any AWSCredentialProvider)?

    /// Validates and opens in one step.
    /// - Parameter lambda: whether this is the Lambda function (see ``RelayPlan/init(settings:lambda:)``).
    public init(settings: RelaySettings, logger: Logger, replySecret: String? = nil, lambda: Bool = false) throws {
        self = try RelayPlan(settings: settings, lambda: lambda).open(logger: logger, replySecret: replySecret)
    }

    package init(
        transport: any MailTransport, compose: @escaping ComposeEmail, transportSummary: String,
        media: MediaSettings, mediaDownloader: (any MediaDownloading)?,
        composeNotice: @escaping @Sendable (ReplyNotice) throws -> Email, senders: [String: any TextSender], codec: ReplyAddressCodec?,
        awsCredentials: (any AWSCredentialProvider)? = nil
    ) {
        self.transport = transport
        self.compose = compose
        self.transportSummary = transportSummary
        self.media = media
        self.mediaDownloader = mediaDownloader
        self.composeNotice = composeNotice
        self.senders = senders
        self.codec = codec
        self.awsCredentials = awsCredentials
    }

    /// The media collector of a relay, keeping downloads in `folder` (server) or in memory (nil, Lambda).
    package func mediaCollector(folder: MediaFolder?, policy: RetryPolicy) -> MediaCollector? {
        mediaDownloader.map { MediaCollector(settings: media, downloader: $0, folder: folder, policy: policy) }
    }
}

/// The transport named by the `transport` setting, with the configuration it read and checked
/// from its own scope of the settings.
package enum TransportConfiguration: Sendable {
    case maildir(URL)
    case ses(SESConfiguration)
    case smtp(SMTPConfiguration)

    /// - Parameters:
    ///   - credentials: where SES's credentials come from; nil makes it look for a key in the settings.
    ///   - lambda: whether this is the Lambda function, for what a missing key means.
    package init(settings: RelaySettings, credentials: AWSCredentialSource? = nil, lambda: Bool = false) throws {
        do {
            switch settings.transport {
            case .maildir:
                self = .maildir(settings.maildir)
            case .ses:
                let aws = settings.components.rooted(at: ["aws"])
                do {
                    // Checked here, used once opened: ``open(logger:credentials:)`` gives it the provider that logs.
                    let provider = credentials?.provider(logger: Logger(label: "smsrelay.aws-credentials", factory: { _ in SwiftLogNoOpLogHandler() }))
                    self = .ses(try SESConfiguration(config: settings.components.scoped(to: "ses"), aws: aws, credentials: provider))
                } catch let error as SESConfigurationError where error.code == .missingCredentials && !lambda {
                    throw ConfigError(
                        "\(error) On a server they can also come from a web identity (\(aws.name("web_identity_token_file")) and "
                            + "\(aws.name("role_arn"))), the container endpoint (\(aws.name("container_credentials_relative_uri")) or "
                            + "\(aws.name("container_credentials_full_uri"))) or the EC2 instance metadata service, which "
                            + "\(aws.name("ec2_metadata_disabled")) turns off.")
                }
            case .smtp:
                self = .smtp(try SMTPConfiguration(config: settings.components.scoped(to: "smtp")))
            }
        } catch {
            // Each transport names the setting at fault in its errors.
            throw ConfigError("\(SettingKey.transport.environmentName) is \(settings.transport.rawValue): \(error)")
        }
    }

    package var summary: String {
        switch self {
        case .maildir(let root): "maildir → \(root.path)"
        case .ses(let configuration):
            "ses → \(configuration.endpoint.absoluteString) (\(configuration.region)), at most \(SESTransport.describe(configuration.maxSendRate)) messages a second"
        case .smtp(let configuration): "smtp → \(configuration.redactedDescription)"
        }
    }

    /// - Parameters:
    ///   - credentials: the provider SES asks for its credentials, when it takes the platform's.
    ///   - connections: the most SMTP connections open at once, one message in flight on each.
    package func open(logger: Logger, credentials: (any AWSCredentialProvider)? = nil, connections: Int = 1) throws -> any MailTransport {
        var logger = logger
        switch self {
        case .maildir(let root):
            do {
                return try MaildirTransport(root: root)
            } catch {
                throw ConfigError("\(SettingKey.maildir.environmentName): \(error)")
            }
        case .ses(var configuration):
            logger[metadataKey: "transport"] = "ses"
            if let credentials { configuration.credentials = credentials }
            return SESTransport(configuration: configuration, logger: logger)
        case .smtp(let configuration):
            logger[metadataKey: "transport"] = "smtp"
            return SMTPTransport(configuration: configuration, maxConnections: connections, logger: logger)
        }
    }
}
