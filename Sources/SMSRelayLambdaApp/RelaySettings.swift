import ComponentConfig
import Configuration
import Foundation
import MailKit
import MailRender
import SMSRelayCore

/// Which mail transport delivers the outbox.
public enum TransportKind: String, Sendable, CaseIterable {
    case maildir
    case smtp
    case ses

    /// The transport a Lambda function uses when SMSRELAY_TRANSPORT is not set.
    public static let lambdaDefault = TransportKind.ses
}

/// Every setting of a relay, read once at start-up and validated, so that a mistake is an
/// error before the first message rather than at it.
public struct RelaySettings: Sendable {
    public var host: String
    public var port: Int
    public var dataDirectory: URL
    public var configFile: String?
    public var publicURL: String
    /// Whether ``publicURL`` was configured rather than derived from host and port: only then is
    /// it given to Flowroute for the delivery receipts of replies.
    public var isPublicURLConfigured: Bool
    /// The configured webhook token, or nil to use (or generate) the one stored in the data folder.
    public var webhookToken: String?
    public var maxBodyBytes: Int
    /// How long a request may take to arrive whole, from its first byte.
    public var requestTimeout: Duration
    /// How long an idle keep-alive connection stays open.
    public var idleTimeout: Duration
    /// How many connections may be open at once.
    public var maxConnections: Int
    /// A cap on delivery attempts; nil retries transient failures for ``retryFor``.
    public var maxAttempts: Int?
    /// How long a message's transient failures are retried before it is dead.
    public var retryFor: Duration
    public var retryBaseDelay: Duration
    public var retryMaxDelay: Duration
    /// The URL of the PostgreSQL outbox several relays share, as configured (the server checks
    /// and parses it: ``RelaySettings/databaseURL`` in SMSRelayApp); nil keeps the outbox in
    /// SQLite in the data folder.
    public var databaseURLText: String?
    /// How long a worker's claim on the messages it took lasts.
    public var outboxLease: Duration
    /// The most messages the delivery worker has in flight at once (and SMTP connections open).
    public var deliveryConcurrency: Int
    /// Messages in flight at once when `SMSRELAY_DELIVERY_CONCURRENCY` is not set.
    public static let defaultDeliveryConcurrency = 4
    public var transport: TransportKind
    public var maildir: URL
    /// Every layer of the configuration, for the components that read their own settings (the
    /// SMTP and SES transports read theirs below `smsrelay.smtp` and `smsrelay.ses`).
    public var components: ComponentConfig
    public var routing: RoutingTable
    /// The zone the emails show times in (`SMSRELAY_TIMEZONE`).
    public var timeZone: ReadableTimeZone
    /// Whether and how MMS media are downloaded and attached.
    public var media: MediaSettings
    /// Replies by email, sent back as SMS.
    public var replies: ReplySettings
    /// The carriers whose callbacks are taken, their checks and their API credentials.
    public var carriers: CarrierSettings
    /// Lambda: the time kept free before the invocation deadline to answer.
    public var lambdaSafetyMargin: Duration
    /// Lambda: the DynamoDB table that makes delivery exactly once; nil: at least once.
    public var idempotency: IdempotencySettings?
    public var logLevel: String
    /// How log lines are written: text for people, or JSON for a log collector.
    public var logFormat: LogFormat
    /// Where the admin listener (`/metrics`, `/healthz`) listens; nil: it is off.
    public var adminListen: ListenAddress?
    /// The bcrypt hash of the admin page's password; nil: no admin page, only `/metrics` and `/healthz`.
    public var adminPasswordHash: String?
    /// The systemd credentials (`$CREDENTIALS_DIRECTORY`) that stand for settings, by name.
    public var credentials: [String] = []

    /// Reads the settings, highest precedence first: command-line `flags` (keyed by ``SettingKey/name``),
    /// then `environment`, then the config file named by either, then the systemd credentials in the
    /// folder `environment` names as `CREDENTIALS_DIRECTORY` (secrets only), then the documented defaults.
    /// - Parameters:
    ///   - defaultTransport: the transport when none is configured (`ses` in Lambda).
    ///   - configFile: reads the config file, when one is named; nil refuses one (the lean Lambda
    ///     function reads its settings from the environment only, and links no YAML parser).
    ///   - databaseURL: checks the shared outbox's URL, when one is set; nil leaves it unchecked
    ///     (a Lambda function has no outbox).
    package static func read(
        flags: [String: String] = [:], environment: [String: String], defaultTransport: TransportKind = .maildir,
        configFile: ConfigFileReader?, databaseURL: (@Sendable (String) throws -> Void)?
    ) throws -> RelaySettings {
        let early = ConfigReader(providers: [
            InMemoryProvider(values: Self.values(flags)),
            EnvironmentVariablesProvider(environmentVariables: environment),
        ])
        let configPath = early.string(forKey: ConfigKey(SettingKey.config.configKey)).flatMap { $0.isEmpty ? nil : $0 }
        var file = ConfigFile()
        if let configPath {
            guard let configFile else {
                throw ConfigError(
                    "\(SettingKey.config.environmentName) is \(configPath), but this build reads its settings from the environment only "
                        + "(the Lambda function's `bootstrap`); set them as the function's environment variables")
            }
            file = try configFile(configPath)
        }
        let fileDirectory = configPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
        // A path in the file is relative to the file's folder, wherever the relay starts.
        for (name, value) in file.settings where SettingKey.named(name)?.isPath == true {
            file.settings[name] = resolve(value, against: fileDirectory)
        }
        let secrets = SettingKey.all.filter(\.isSecret).map(\.environmentName) + Self.awsSecrets
        let given: [any ConfigProvider] = [
            InMemoryProvider(values: Self.values(flags)),
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(Set(secrets))),
            InMemoryProvider(values: Self.values(try Self.secretFiles(environment))),
            InMemoryProvider(values: Self.values(file.settings)),
        ]
        // systemd's credentials come last: they stand for the settings not given otherwise.
        let credentials = try Self.credentials(in: CredentialsDirectory(environment: environment), given: ConfigReader(providers: given))
        let reader = ConfigReader(providers: given + [InMemoryProvider(values: Self.values(credentials))])
        let source = Source(reader: reader)

        let host = try source.string(.host, default: "127.0.0.1")
        let port = try source.int(.port, default: 8080, in: 0...65535)
        let dataDirectory = URL(fileURLWithPath: try source.string(.dataDir, default: "./smsrelay-data")).standardizedFileURL
        let configuredPublicURL = try source.optional(.publicURL)
        let publicURL = configuredPublicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        guard let parsed = URL(string: publicURL), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw ConfigError.invalid(.publicURL, publicURL, expected: "an http:// or https:// URL")
        }
        let token = try source.optional(.webhookToken)
        if let token, !WebhookToken.isAcceptable(token) {
            throw ConfigError.invalid(
                .webhookToken, token,
                expected: "at least 16 characters of letters, digits, '-' or '_' (it is part of a URL path)")
        }
        let transportName = try source.string(.transport, default: defaultTransport.rawValue)
        guard let transport = TransportKind(rawValue: transportName.lowercased()) else {
            throw ConfigError.invalid(
                .transport, transportName, expected: TransportKind.allCases.map(\.rawValue).joined(separator: " or "))
        }
        let maildir = try source.optional(.maildir).map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? dataDirectory.appendingPathComponent("mail")
        let retryBase = try source.int(.retryBaseSeconds, default: 5, in: 1...86_400)
        let retryMax = try source.int(.retryMaxSeconds, default: 3600, in: 1...604_800)
        guard retryMax >= retryBase else {
            throw ConfigError.invalid(
                .retryMaxSeconds, String(retryMax), expected: "at least SMSRELAY_RETRY_BASE_SECONDS (\(retryBase))")
        }

        let sender = try source.string(.mailFrom, default: "sms@localhost")
        try validateMailboxes(sender, key: .mailFrom)
        let recipientsText = try source.string(.mailTo, default: "inbox@localhost")
        let recipients = try validateMailboxes(recipientsText, key: .mailTo)
        let defaultTemplates = TemplatePaths(
            subject: try source.optional(.subjectTemplate),
            text: try source.optional(.textTemplate),
            html: try source.optional(.htmlTemplate))
        let timeZoneName = try source.string(.timeZone, default: "UTC")
        guard let timeZone = ReadableTimeZone(named: timeZoneName) else {
            throw ConfigError.invalid(
                .timeZone, timeZoneName, expected: "an IANA time zone name such as UTC, Europe/Paris or America/New_York")
        }
        let contacts = try validateContacts(file.contacts, route: nil, file: configPath)
        var overrides: [String: RouteOverride] = [:]
        for (number, var route) in file.routes {
            if let routeContacts = route.contacts { route.contacts = try validateContacts(routeContacts, route: number, file: configPath) }
            if let to = route.recipients {
                route.recipients = try to.flatMap { try validateMailboxes($0, key: .mailTo, route: number) }
            }
            if let from = route.sender { try validateMailboxes(from, key: .mailFrom, route: number) }
            if let repliers = route.replyFrom {
                route.replyFrom = try repliers.flatMap { try addresses($0, key: .replyFrom, route: number) }
            }
            route.templates = TemplatePaths(
                subject: route.templates.subject.map { resolve($0, against: fileDirectory) },
                text: route.templates.text.map { resolve($0, against: fileDirectory) },
                html: route.templates.html.map { resolve($0, against: fileDirectory) })
            overrides[number] = route
        }
        let carriers = try CarrierSettings.load(source, repliesOn: try source.optional(.replyDomain) != nil)
        for (number, route) in overrides.sorted(by: { $0.key < $1.key }) {
            if let carrier = route.carrier, !carriers.enabled.contains(carrier) {
                throw ConfigError(
                    "config file \(configPath ?? ""): route \(number) is with \(carrier.displayName), which is not on; give its settings "
                        + "(README, Carriers) or list it in \(SettingKey.carriers.environmentName)")
            }
        }
        let replies = try loadReplies(source, flowrouteOn: carriers.enabled.contains(.flowroute))
        let databaseURLText = try loadDatabaseURL(source, token: token, replies: replies, check: databaseURL)
        let routing = RoutingTable(
            defaultRoute: Route(
                recipients: recipients, sender: sender, templates: defaultTemplates, replyFrom: replies.allowedSenders,
                contacts: contacts),
            overrides: overrides)

        let logLevel = try source.string(.logLevel, default: "info").lowercased()
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw ConfigError.invalid(.logLevel, logLevel, expected: "trace, debug, info, notice, warning, error or critical")
        }

        let formatText = try source.string(.logFormat, default: "text").lowercased()
        guard let logFormat = LogFormat(rawValue: formatText) else {
            throw ConfigError.invalid(.logFormat, formatText, expected: "text or json")
        }
        var adminListen: ListenAddress?
        if let listen = try source.optional(.adminListen) {
            guard let address = ReplyReceiverSettings.listenAddress(listen) else {
                throw ConfigError.invalid(.adminListen, listen, expected: "host:port, such as 127.0.0.1:8081")
            }
            guard address.port == 0 || address.port != port else {
                throw ConfigError(
                    "\(SettingKey.adminListen.environmentName) \(listen) is the public callback port (\(SettingKey.port.environmentName)): "
                        + "the admin listener needs a port of its own, such as 127.0.0.1:8081")
            }
            adminListen = ListenAddress(host: address.host, port: address.port)
        }

        var adminPasswordHash: String?
        if let file = try source.optional(.adminPasswordFile) {
            guard adminListen != nil else {
                throw ConfigError(
                    "\(SettingKey.adminPasswordFile.environmentName) is set but \(SettingKey.adminListen.environmentName) is not: "
                        + "the admin page is served on the admin listener")
            }
            adminPasswordHash = try AdminPassword.readHash(file)
        }

        return RelaySettings(
            host: host,
            port: port,
            dataDirectory: dataDirectory,
            configFile: configPath,
            publicURL: publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL,
            isPublicURLConfigured: configuredPublicURL != nil,
            webhookToken: token,
            maxBodyBytes: try source.int(.maxBodyBytes, default: 65_536, in: 256...10_485_760),
            requestTimeout: .seconds(try source.int(.requestTimeoutSeconds, default: 10, in: 1...3600)),
            idleTimeout: .seconds(try source.int(.idleTimeoutSeconds, default: 60, in: 1...86_400)),
            maxConnections: try source.int(.maxConnections, default: 256, in: 1...1_000_000),
            maxAttempts: try source.optionalInt(.maxAttempts, in: 1...100_000),
            retryFor: try source.duration(.retryFor, default: "5d", in: 60...(60 * 86_400)),
            retryBaseDelay: .seconds(retryBase),
            retryMaxDelay: .seconds(retryMax),
            databaseURLText: databaseURLText,
            outboxLease: .seconds(try source.int(.outboxLeaseSeconds, default: 120, in: 10...86_400)),
            deliveryConcurrency: try source.int(.deliveryConcurrency, default: Self.defaultDeliveryConcurrency, in: 1...64),
            transport: transport,
            maildir: maildir,
            components: ComponentConfig(reader: reader).rooted(at: ["smsrelay"]),
            routing: routing,
            timeZone: timeZone,
            media: MediaSettings(
                fetch: try source.bool(.mediaFetch, default: true),
                maxBytes: try source.int(.mediaMaxBytes, default: 10 << 20, in: 1024...(1 << 30)),
                maxTotalBytes: try source.int(.mediaMaxTotalBytes, default: 20 << 20, in: 1024...(1 << 30)),
                trustedHosts: try source.optional(.mediaTrustedHosts) ?? "",
                timeout: .seconds(try source.int(.mediaTimeoutSeconds, default: 30, in: 1...3600)),
                attempts: try source.int(.mediaAttempts, default: 4, in: 1...100),
                keep: try source.bool(.mediaKeep, default: false)),
            replies: replies,
            carriers: carriers,
            lambdaSafetyMargin: .milliseconds(try source.int(.lambdaSafetyMarginMs, default: 2000, in: 0...60_000)),
            idempotency: try loadIdempotency(source),
            logLevel: logLevel,
            logFormat: logFormat,
            adminListen: adminListen,
            adminPasswordHash: adminPasswordHash,
            credentials: SettingKey.all.compactMap { credentials[$0.name] == nil ? nil : $0.credentialName }
        )
    }

    /// The settings systemd's credentials stand for, by setting name: each secret whose credential
    /// `directory` holds and that is not `given` otherwise, and `smtp_password_file` for the
    /// `smtp-password` credential when neither it nor a password in the SMTP URL is given.
    private static func credentials(in directory: CredentialsDirectory?, given: ConfigReader) throws -> [String: String] {
        guard let directory else { return [:] }
        var values: [String: String] = [:]
        for key in SettingKey.all where key.isSecret {
            guard let name = key.credentialName, Self.isBlank(given.string(forKey: ConfigKey(key.configKey), isSecret: true)) else { continue }
            values[key.name] = try directory.secret(name)
        }
        let passwordFile = SettingKey.smtpPasswordFile
        if let name = passwordFile.credentialName, let file = directory.file(name),
           Self.isBlank(given.string(forKey: ConfigKey(passwordFile.configKey))),
           Self.isBlank(given.string(forKey: ConfigKey(SettingKey.smtpURL.configKey), isSecret: true).flatMap { URLComponents(string: $0)?.password })
        {
            values[passwordFile.name] = file
        }
        return values
    }

    /// The secrets given as files: `SMSRELAY_<NAME>_FILE` names a file that holds the secret
    /// `SMSRELAY_<NAME>` (as container secrets are mounted), read whole, without the blanks and
    /// line breaks around it. The variable itself, when also set, wins.
    private static func secretFiles(_ environment: [String: String]) throws -> [String: String] {
        var values: [String: String] = [:]
        for key in SettingKey.all where key.isSecret {
            guard let path = environment[key.environmentName + "_FILE"], !isBlank(path), isBlank(environment[key.environmentName]) else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError("\(key.environmentName)_FILE is \(path), which cannot be read; check that it exists and its permissions")
            }
            values[key.name] = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return values
    }

    private static func isBlank(_ value: String?) -> Bool {
        value?.trimmingCharacters(in: .whitespaces).isEmpty ?? true
    }

    /// The shared outbox's URL, checked. Relays that share an outbox take callbacks (and
    /// replies) for each other, so none may generate its own token or reply secret.
    private static func loadDatabaseURL(
        _ source: Source, token: String?, replies: ReplySettings, check: (@Sendable (String) throws -> Void)?
    ) throws -> String? {
        guard let text = try source.optional(.databaseURL) else { return nil }
        do {
            try check?(text)
        } catch {
            throw ConfigError("\(SettingKey.databaseURL.environmentName): \(error)")
        }
        let shared = "is set, so relays may share the outbox and each must accept what another stored"
        if token == nil {
            throw ConfigError(
                "\(SettingKey.databaseURL.environmentName) \(shared): set \(SettingKey.webhookToken.environmentName) "
                    + "to the same value on every relay (at least 16 letters, digits, '-' or '_', e.g. from `openssl rand -hex 24`)")
        }
        if replies.isEnabled, replies.secret == nil {
            throw ConfigError(
                "\(SettingKey.databaseURL.environmentName) \(shared): set \(SettingKey.replySecret.environmentName) "
                    + "to the same value on every relay (at least 16 characters, e.g. from `openssl rand -hex 24`)")
        }
        return text
    }

    /// The idempotency table's name and endpoint, checked.
    private static func loadIdempotency(_ source: Source) throws -> IdempotencySettings? {
        guard let table = try source.optional(.idempotencyTable) else { return nil }
        guard IdempotencySettings.isTableName(table) else {
            throw ConfigError.invalid(.idempotencyTable, table, expected: "a DynamoDB table name (3 to 255 letters, digits, '_', '-' and '.')")
        }
        let endpoint = try source.optional(.dynamoDBEndpoint)
        let url = endpoint.flatMap(URL.init(string:))
        if let endpoint, url?.host == nil || !["http", "https"].contains(url?.scheme ?? "") || url?.query != nil {
            throw ConfigError.invalid(.dynamoDBEndpoint, endpoint, expected: "an https:// URL (http:// for a local emulator)")
        }
        return IdempotencySettings(table: table, endpoint: url)
    }

    /// The reply settings, checked: a domain, a long enough secret, addresses, Flowroute's URL
    /// and, when replies are on, both of its keys.
    private static func loadReplies(_ source: Source, flowrouteOn: Bool) throws -> ReplySettings {
        let domain = try source.optional(.replyDomain)?.lowercased()
        if let domain, !ReplySettings.isDomain(domain) {
            throw ConfigError.invalid(.replyDomain, domain, expected: "a domain name such as sms.example.com")
        }
        let secret = try source.optional(.replySecret)
        if let secret, !ReplySettings.isSecret(secret) {
            throw ConfigError.invalid(.replySecret, secret, expected: "at least 16 characters")
        }
        let allowed = try source.optional(.replyFrom).map { try addresses($0, key: .replyFrom) } ?? []
        let urlText = try source.string(.flowrouteAPIURL, default: FlowrouteSettings.defaultAPIURL.absoluteString)
        guard let url = URL(string: urlText), FlowrouteSettings.isAcceptable(url) else {
            throw ConfigError.invalid(
                .flowrouteAPIURL, urlText, expected: "an https:// URL (http:// only to localhost or 127.0.0.1, for tests)")
        }
        let flowroute = FlowrouteSettings(
            apiURL: url, accessKey: try source.optional(.flowrouteAccessKey), secretKey: try source.optional(.flowrouteSecretKey))
        if domain != nil, flowrouteOn {
            for (key, value) in [(SettingKey.flowrouteAccessKey, flowroute.accessKey), (.flowrouteSecretKey, flowroute.secretKey)] where value == nil {
                throw ConfigError(
                    "\(SettingKey.replyDomain.environmentName) is set, so replies are sent through Flowroute, but \(key.environmentName) is not; "
                        + "set both \(SettingKey.flowrouteAccessKey.environmentName) and \(SettingKey.flowrouteSecretKey.environmentName) "
                        + "(Flowroute's Preferences › API Control), leave flowroute out of \(SettingKey.carriers.environmentName), "
                        + "or unset \(SettingKey.replyDomain.environmentName)")
            }
        }
        var s3: ReplyS3Settings?
        if let bucket = try source.optional(.replyS3Bucket) {
            guard ReplyS3Settings.isBucketName(bucket) else {
                throw ConfigError.invalid(.replyS3Bucket, bucket, expected: "an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-')")
            }
            let endpoint = try source.optional(.replyS3Endpoint)
            let url = endpoint.flatMap(URL.init(string:))
            if let endpoint, url?.host == nil || !["http", "https"].contains(url?.scheme ?? "") {
                throw ConfigError.invalid(.replyS3Endpoint, endpoint, expected: "an https:// URL (http:// for a local emulator)")
            }
            s3 = ReplyS3Settings(bucket: bucket, prefix: try source.optional(.replyS3Prefix) ?? "", endpoint: url)
        }
        var receiver: ReplyReceiverSettings?
        if let listen = try source.optional(.replySMTPListen) {
            guard let address = ReplyReceiverSettings.listenAddress(listen) else {
                throw ConfigError.invalid(.replySMTPListen, listen, expected: "host:port, such as 0.0.0.0:25 or 127.0.0.1:2525")
            }
            guard domain != nil else {
                throw ConfigError(
                    "\(SettingKey.replySMTPListen.environmentName) is set but \(SettingKey.replyDomain.environmentName) is not: "
                        + "the SMTP receiver takes mail for the reply domain only")
            }
            let certificate = try source.optional(.replyTLSCert), key = try source.optional(.replyTLSKey)
            guard (certificate == nil) == (key == nil) else {
                throw ConfigError(
                    "set both \(SettingKey.replyTLSCert.environmentName) and \(SettingKey.replyTLSKey.environmentName) for STARTTLS, or neither")
            }
            receiver = ReplyReceiverSettings(
                host: address.host, port: address.port, certificatePath: certificate, privateKeyPath: key,
                maxBytes: try source.int(.replyMaxBytes, default: 10 << 20, in: 10_240...(100 << 20)))
        }
        return ReplySettings(
            domain: domain,
            secret: secret,
            allowedSenders: allowed,
            authservID: try source.optional(.replyAuthservID)?.lowercased(),
            maxCharacters: try source.int(.replyMaxChars, default: 1600, in: 1...10_000),
            confirm: try source.bool(.replyConfirm, default: false),
            flowroute: flowroute,
            s3: s3,
            receiver: receiver)
    }

    /// The bare addresses of a comma-separated list, lowercased, for comparing senders.
    private static func addresses(_ text: String, key: SettingKey, route: String? = nil) throws -> [String] {
        try mailboxes(text, key: key, route: route).map { $0.address.lowercased() }
    }

    /// The mailboxes of a comma-separated list, or an error naming the setting (and the route).
    private static func mailboxes(_ text: String, key: SettingKey, route: String?) throws -> [Mailbox] {
        do {
            return try Mailbox.list(parsing: text)
        } catch {
            let place = route.map { " (route \($0))" } ?? ""
            throw ConfigError("\(key.environmentName)\(place): \(error)")
        }
    }

    /// The names of `contacts` (number → name), checked: a number with a digit or a sender
    /// name, a name on one line of at most 100 characters.
    private static func validateContacts(_ contacts: [String: String], route: String?, file: String?) throws -> [String: String] {
        let place = route.map { "routes.\($0).contacts" } ?? "contacts"
        let origin = "config file \(file ?? "")"
        var checked: [String: String] = [:]
        for (number, name) in contacts {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard !Conversation.participantKey(number).isEmpty else {
                throw ConfigError("\(origin): '\(place)' has an empty number; key each name by a number such as \"12065550100\"")
            }
            guard !trimmed.isEmpty, trimmed.count <= 100, !trimmed.unicodeScalars.contains(where: HeaderText.isControl) else {
                throw ConfigError(
                    "\(origin): the name of \(number) in '\(place)' must be one line of 1 to 100 characters, "
                        + "without control characters")
            }
            checked[number] = trimmed
        }
        return checked
    }

    /// Every distinct set of template files in use, for loading them all at start-up.
    public var templateSets: [TemplatePaths] {
        var sets = [routing.defaultRoute.templates]
        for number in routing.overrides.keys.sorted() {
            let paths = routing.route(for: number).templates
            if !sets.contains(paths) { sets.append(paths) }
        }
        return sets
    }

    /// The AWS variables that hold secrets, which the SES transport and the credential chain read.
    private static let awsSecrets = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN"]

    /// Flag or file values, keyed by setting name, as the reader's keys below `smsrelay`.
    private static func values(_ strings: [String: String]) -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (name, value) in strings {
            let key = SettingKey.named(name)
            values[AbsoluteConfigKey(["smsrelay"] + (key?.path ?? [name]))] = ConfigValue(
                .string(value), isSecret: key?.isSecret ?? false)
        }
        return values
    }

    private static func resolve(_ path: String, against directory: URL?) -> String {
        guard let directory, !path.hasPrefix("/") else { return path }
        return directory.appendingPathComponent(path).standardizedFileURL.path
    }

    @discardableResult
    private static func validateMailboxes(_ text: String, key: SettingKey, route: String? = nil) throws -> [String] {
        guard try !mailboxes(text, key: key, route: route).isEmpty else {
            throw ConfigError.invalid(key, text, expected: "at least one email address")
        }
        return [text]
    }
}

/// Typed reads over the layered reader, with errors that name the setting.
struct Source {
    package let reader: ConfigReader

    package func optional(_ key: SettingKey) throws -> String? {
        guard let value = reader.string(forKey: ConfigKey(key.configKey), isSecret: key.isSecret) else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    package func string(_ key: SettingKey, default value: String) throws -> String {
        try optional(key) ?? value
    }

    package func optionalInt(_ key: SettingKey, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try optional(key) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigError.invalid(key, text, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A duration written as a number and a unit, `30s`, `90m`, `12h`, `5d`, or plain seconds.
    package func duration(_ key: SettingKey, default value: String, in seconds: ClosedRange<Int>) throws -> Duration {
        let text = try optional(key) ?? value
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = Substring(text.lowercased())
        var unit = 1
        if let last = digits.last, let factor = units[last] {
            unit = factor
            digits = digits.dropLast()
        }
        guard let number = Int(digits.trimmingCharacters(in: .whitespaces)), number >= 0,
              number <= Int.max / unit, seconds.contains(number * unit)
        else {
            throw ConfigError.invalid(
                key, text,
                expected: "a duration such as 5d, 12h, 90m or 3600s, from \(seconds.lowerBound) seconds to \(seconds.upperBound / 86_400) days")
        }
        return .seconds(number * unit)
    }

    /// `true`/`false`, also `yes`/`no`, `on`/`off` and `1`/`0`.
    package func bool(_ key: SettingKey, default value: Bool) throws -> Bool {
        guard let text = try optional(key) else { return value }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigError.invalid(key, text, expected: "true or false")
        }
    }

    package func int(_ key: SettingKey, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        try optionalInt(key, in: range) ?? value
    }
}
