/// One documented setting: its name in the config file, the environment and on the command line.
///
/// The README's configuration table lists the same keys; `smsrelay config check` prints them.
public struct SettingKey: Sendable, Hashable, CustomStringConvertible {
    /// The key in the config file, e.g. `max_body_bytes`.
    public let name: String
    /// The default, as documented, or nil where there is none.
    public let defaultDescription: String?
    /// Whether the value is a secret: never printed, never logged.
    public let isSecret: Bool
    public let summary: String
    /// The key below `smsrelay` in swift-configuration's hierarchy: `["smtp", "url"]` for
    /// `smtp_url`, whose component (the SMTP transport) reads `url` in its scope `smtp`.
    public let path: [String]
    /// Whether the value is a file path, resolved against the config file's folder when given there.
    public let isPath: Bool

    public init(
        _ name: String, path: [String]? = nil, default defaultDescription: String?, secret: Bool = false,
        isPath: Bool = false, _ summary: String
    ) {
        self.name = name
        self.path = path ?? [name]
        self.defaultDescription = defaultDescription
        self.isSecret = secret
        self.isPath = isPath
        self.summary = summary
    }

    /// The environment variable, e.g. `SMSRELAY_MAX_BODY_BYTES`.
    public var environmentName: String { "SMSRELAY_" + name.uppercased() }
    /// The command-line flag, e.g. `--max-body-bytes`.
    public var flagName: String { "--" + name.replacingOccurrences(of: "_", with: "-") }
    /// Whether the setting can be given on the command line: not secrets (a command line is
    /// visible to every user of the machine), not the Lambda-only ones.
    public var hasFlag: Bool { !isSecret && !Self.environmentOnly.contains(name) }
    private static let environmentOnly: Set<String> = [
        "lambda_safety_margin_ms", "reply_s3_bucket", "reply_s3_prefix", "reply_s3_endpoint",
        "idempotency_table", "dynamodb_endpoint",
    ]
    /// The systemd credential that stands for the setting when it is not given otherwise: a file of
    /// this name in `$CREDENTIALS_DIRECTORY` (see ``CredentialsDirectory``). It holds the secret
    /// itself, but `smtp-password`, which stands for `smtp_password_file`.
    public var credentialName: String? { Self.credentialNames[name] }
    private static let credentialNames = [
        "webhook_token": "webhook-token", "reply_secret": "reply-secret", "flowroute_secret_key": "flowroute-secret-key",
        "twilio_auth_token": "twilio-auth-token", "telnyx_api_key": "telnyx-api-key", "bandwidth_password": "bandwidth-password",
        "bandwidth_callback_password": "bandwidth-callback-password", "voipms_api_password": "voipms-api-password",
        "database_url": "database-url", "smtp_password_file": "smtp-password",
    ]
    /// The key in swift-configuration's hierarchy; the environment provider maps it to ``environmentName``.
    package var configKey: String { (["smsrelay"] + path).joined(separator: ".") }

    /// The setting named `name`, as in the config file.
    public static func named(_ name: String) -> SettingKey? { all.first { $0.name == name } }

    public var description: String { environmentName }
}

extension SettingKey {
    public static let host = SettingKey("host", default: "127.0.0.1", "address the HTTP server listens on")
    public static let port = SettingKey("port", default: "8080", "TCP port the HTTP server listens on")
    public static let dataDir = SettingKey(
        "data_dir", default: "./smsrelay-data", "folder for the outbox database, the generated token and the maildir")
    public static let config = SettingKey(
        "config", default: nil, "YAML file with settings and per-number routes (see relay.example.yaml)")
    public static let publicURL = SettingKey(
        "public_url", default: "http://<host>:<port>", "base URL the carrier reaches us at; used to print the callback URL")
    public static let webhookToken = SettingKey(
        "webhook_token", default: "generated on first start into <data_dir>/webhook-token", secret: true,
        "secret last path segment of the callback URL")
    public static let maxBodyBytes = SettingKey(
        "max_body_bytes", default: "65536", "largest callback body accepted; larger ones get 413")
    public static let requestTimeoutSeconds = SettingKey(
        "request_timeout_seconds", default: "10",
        "seconds a request may take to arrive whole, from its first byte; a slower one is cut off")
    public static let idleTimeoutSeconds = SettingKey(
        "idle_timeout_seconds", default: "60", "seconds an idle keep-alive connection stays open")
    public static let maxConnections = SettingKey(
        "max_connections", default: "256",
        "connections open at once; past it the longest-idle one is closed, or the new one if none is idle")
    public static let maxAttempts = SettingKey(
        "max_attempts", default: nil, "a cap on delivery attempts; without it, transient failures are retried for retry_for")
    public static let retryFor = SettingKey(
        "retry_for", default: "5d", "how long transient delivery failures are retried before a message is dead (30s, 90m, 12h, 5d)")
    public static let retryBaseSeconds = SettingKey(
        "retry_base_seconds", default: "5", "delay after the first failed attempt; doubles each time, with jitter")
    public static let retryMaxSeconds = SettingKey(
        "retry_max_seconds", default: "3600", "longest delay between two attempts")
    public static let databaseURL = SettingKey(
        "database_url", default: "none: SQLite in <data_dir>", secret: true,
        "PostgreSQL outbox that several relays share: postgres://user:password@host:5432/db?sslmode=verify-full")
    public static let outboxLeaseSeconds = SettingKey(
        "outbox_lease_seconds", default: "120",
        "how long a worker holds the messages it took; the other relays take over those of one that died after it")
    public static let deliveryConcurrency = SettingKey(
        "delivery_concurrency", default: "4",
        "messages in flight at once (1 to 64); one conversation's go one at a time, in order; SMTP opens up to this many connections")
    public static let transport = SettingKey(
        "transport", default: "maildir (ses in Lambda)", "how mail is delivered: maildir, smtp or ses")
    public static let maildir = SettingKey("maildir", default: "<data_dir>/mail", "maildir the maildir transport writes to")
    public static let smtpURL = SettingKey(
        "smtp_url", path: ["smtp", "url"], default: nil, secret: true,
        "smtp://[user:password@]host[:port] (STARTTLS, 587) or smtps://… (implicit TLS, 465); ?tls=, ?auth=")
    public static let smtpPasswordFile = SettingKey(
        "smtp_password_file", path: ["smtp", "password_file"], default: nil, isPath: true, "file holding the SMTP password, instead of one in the URL")
    public static let smtpCAFile = SettingKey(
        "smtp_ca_file", path: ["smtp", "ca_file"], default: nil, isPath: true, "extra trusted CA certificate (PEM) for the SMTP server")
    public static let smtpHeloName = SettingKey(
        "smtp_helo_name", path: ["smtp", "helo_name"], default: "the host name if fully qualified, else the address literal",
        "name given in EHLO: a fully qualified domain name or an address literal")
    public static let smtpIdleSeconds = SettingKey(
        "smtp_idle_seconds", path: ["smtp", "idle_seconds"], default: "30", "seconds an unused SMTP connection stays open before QUIT")
    public static let sesRegion = SettingKey(
        "ses_region", path: ["ses", "region"], default: "AWS_REGION, else AWS_DEFAULT_REGION", "AWS region of the SES endpoint")
    public static let sesEndpoint = SettingKey(
        "ses_endpoint", path: ["ses", "endpoint"], default: "https://email.<region>.amazonaws.com", "SES endpoint override (VPC endpoints, tests)")
    public static let sesConfigurationSet = SettingKey(
        "ses_configuration_set", path: ["ses", "configuration_set"], default: nil, "SES configuration set to send with")
    public static let sesMaxSendRate = SettingKey(
        "ses_max_send_rate", path: ["ses", "max_send_rate"], default: "14",
        "messages per second sent through SES, decimals allowed (the account's maximum send rate); throttling slows it down for a while")
    public static let mailTo = SettingKey(
        "mail_to", default: "inbox@localhost", "comma-separated recipients for numbers without a route of their own")
    public static let mailFrom = SettingKey("mail_from", default: "sms@localhost", "sender address of the emails")
    public static let subjectTemplate = SettingKey(
        "subject_template", default: "built in", isPath: true, "Mustache file for the subject of every route without its own")
    public static let textTemplate = SettingKey(
        "text_template", default: "built in", isPath: true, "Mustache file for the plain-text part")
    public static let htmlTemplate = SettingKey(
        "html_template", default: "built in", isPath: true, "Mustache file for the HTML part (values are HTML-escaped)")
    public static let timeZone = SettingKey(
        "timezone", default: "UTC",
        "IANA time zone the emails show times in, e.g. Europe/Paris or America/New_York (ISO 8601 UTC is shown beside it)")
    public static let mediaFetch = SettingKey(
        "media_fetch", default: "true",
        "download MMS media and attach it to the email (images shown inline); false sends the carrier's links only")
    public static let mediaMaxBytes = SettingKey(
        "media_max_bytes", default: "10485760 (10 MB)", "largest media item attached; a larger one stays a link and the email says why")
    public static let mediaMaxTotalBytes = SettingKey(
        "media_max_total_bytes", default: "20971520 (20 MB)",
        "most media attached to one email, all items together; items past it stay links")
    public static let mediaTrustedHosts = SettingKey(
        "media_trusted_hosts", default: nil,
        "comma-separated host or host:port media may come from over plain http or from a private address (tests, on-premises carriers)")
    public static let mediaTimeoutSeconds = SettingKey(
        "media_timeout_seconds", default: "30", "seconds one media download may take, redirects included")
    public static let mediaAttempts = SettingKey(
        "media_attempts", default: "4",
        "download attempts per media item before the email goes without it; the delays between them follow retry_base_seconds")
    public static let mediaKeep = SettingKey(
        "media_keep", default: "false", "keep downloaded media in <data_dir>/media after the email is sent")
    public static let replyDomain = SettingKey(
        "reply_domain", default: nil,
        "domain of the reply addresses; set, every relayed email carries a Reply-To that sends an answer back as an SMS")
    public static let replySecret = SettingKey(
        "reply_secret", default: "generated on first start into <data_dir>/reply-secret", secret: true,
        "key of the reply addresses' codes (HMAC-SHA256); at least 16 characters; required in Lambda")
    public static let replyFrom = SettingKey(
        "reply_from", default: nil, "comma-separated addresses that may reply for every number, besides each route's recipients")
    public static let replyAuthservID = SettingKey(
        "reply_authserv_id", default: nil,
        "authserv-id of the receiving MTA's Authentication-Results; a reply failing DMARC, or both SPF and DKIM, is refused")
    public static let replyMaxChars = SettingKey(
        "reply_max_chars", default: "1600", "longest reply text sent as an SMS, in characters; a longer one is refused, never cut")
    public static let replyConfirm = SettingKey(
        "reply_confirm", default: "false", "email the replier when a reply was sent (failures are always emailed)")
    public static let replySMTPListen = SettingKey(
        "reply_smtp_listen", default: "none (off)",
        "host:port of the embedded SMTP receiver for the reply domain, e.g. 0.0.0.0:25 as its MX or 127.0.0.1:2525 behind a mail proxy")
    public static let replyTLSCert = SettingKey(
        "reply_tls_cert", default: nil, isPath: true, "PEM certificate (chain) the SMTP receiver offers with STARTTLS; re-read on SIGHUP")
    public static let replyTLSKey = SettingKey(
        "reply_tls_key", default: nil, isPath: true, "PEM private key of reply_tls_cert")
    public static let replyMaxBytes = SettingKey(
        "reply_max_bytes", default: "10485760 (10 MB)", "largest email the SMTP receiver takes; announced in SIZE and enforced while reading")
    public static let replyS3Bucket = SettingKey(
        "reply_s3_bucket", default: nil,
        "Lambda: the S3 bucket SES's receipt rule stores reply emails in; required in Lambda for replies")
    public static let replyS3Prefix = SettingKey(
        "reply_s3_prefix", default: "none", "Lambda: the receipt rule's object key prefix, e.g. replies/")
    public static let replyS3Endpoint = SettingKey(
        "reply_s3_endpoint", default: "https://<bucket>.s3.<region>.amazonaws.com",
        "Lambda: S3 endpoint override, addressed path-style (VPC endpoints, tests)")
    public static let flowrouteAPIURL = SettingKey(
        "flowroute_api_url", default: "https://api.flowroute.com", "Flowroute's API, which sends replies (https; http only to this host)")
    public static let flowrouteAccessKey = SettingKey(
        "flowroute_access_key", default: nil, "Flowroute API access key (Preferences › API Control); required for replies")
    public static let flowrouteSecretKey = SettingKey(
        "flowroute_secret_key", default: nil, secret: true, "Flowroute API secret key; required for replies")
    public static let carriers = SettingKey(
        "carriers", default: "flowroute and every carrier with a setting of its own",
        "comma-separated carriers whose callback URLs are open: flowroute, twilio, telnyx, bandwidth, voipms")
    public static let twilioAccountSID = SettingKey(
        "twilio_account_sid", default: nil, "Twilio Account SID (AC…, the console's Account Info); required for replies through Twilio")
    public static let twilioAuthToken = SettingKey(
        "twilio_auth_token", default: nil, secret: true,
        "Twilio auth token: checks X-Twilio-Signature on every callback, and sends replies; required for Twilio")
    public static let twilioAPIURL = SettingKey(
        "twilio_api_url", default: "https://api.twilio.com", "Twilio's API, or a SignalWire space such as https://example.signalwire.com")
    public static let telnyxAPIKey = SettingKey(
        "telnyx_api_key", default: nil, secret: true, "Telnyx API key (KEY…); required for replies through Telnyx")
    public static let telnyxPublicKey = SettingKey(
        "telnyx_public_key", default: nil,
        "Telnyx public key, base64 (Keys & Credentials › Public Key): checks telnyx-signature-ed25519; required for Telnyx")
    public static let telnyxAPIURL = SettingKey("telnyx_api_url", default: "https://api.telnyx.com", "Telnyx's API")
    public static let bandwidthAccountID = SettingKey(
        "bandwidth_account_id", default: nil, "Bandwidth account id; required for replies through Bandwidth")
    public static let bandwidthUsername = SettingKey(
        "bandwidth_username", default: nil, "Bandwidth API user name; required for replies, and to fetch MMS media")
    public static let bandwidthPassword = SettingKey(
        "bandwidth_password", default: nil, secret: true, "Bandwidth API password")
    public static let bandwidthApplicationID = SettingKey(
        "bandwidth_application_id", default: nil, "Bandwidth messaging application id replies are sent with")
    public static let bandwidthCallbackUsername = SettingKey(
        "bandwidth_callback_username", default: nil,
        "user name Bandwidth's application sends its callbacks with (Basic authentication); with the password, required on every callback")
    public static let bandwidthCallbackPassword = SettingKey(
        "bandwidth_callback_password", default: nil, secret: true, "password of bandwidth_callback_username")
    public static let bandwidthAPIURL = SettingKey(
        "bandwidth_api_url", default: "https://messaging.bandwidth.com", "Bandwidth's messaging API")
    public static let voipmsAPIUsername = SettingKey(
        "voipms_api_username", default: nil, "VoIP.ms API user name (your account's email); required for replies through VoIP.ms")
    public static let voipmsAPIPassword = SettingKey(
        "voipms_api_password", default: nil, secret: true, "VoIP.ms API password (Main Menu › SOAP and REST/JSON API)")
    public static let voipmsAPIURL = SettingKey("voipms_api_url", default: "https://voip.ms", "VoIP.ms's API")
    public static let voipmsAllowedCIDRs = SettingKey(
        "voipms_allowed_cidrs", default: "none (any address)",
        "comma-separated address blocks VoIP.ms callbacks may come from, e.g. 208.100.60.0/24; others get 403")
    public static let lambdaSafetyMarginMs = SettingKey(
        "lambda_safety_margin_ms", default: "2000",
        "Lambda only: milliseconds kept before the invocation deadline; a send not done by then is abandoned and answered 500")
    public static let idempotencyTable = SettingKey(
        "idempotency_table", default: "none (at-least-once)",
        "Lambda only: DynamoDB table each text is claimed in before it is sent, so that a retried callback sends one email")
    public static let dynamoDBEndpoint = SettingKey(
        "dynamodb_endpoint", default: "https://dynamodb.<region>.amazonaws.com", "Lambda only: DynamoDB endpoint override (VPC endpoints, tests)")
    public static let logLevel = SettingKey(
        "log_level", default: "info", "trace, debug, info, notice, warning, error or critical")
    public static let adminPasswordFile = SettingKey(
        "admin_password_file", default: "none (no admin page)", isPath: true,
        "file holding the bcrypt hash of the admin page's password, as `smsrelay admin-password` writes it; needs admin_listen")
    public static let logFormat = SettingKey(
        "log_format", default: "text (json in Lambda)",
        "text (a line each, for people) or json (one JSON object a line: timestamp, level, message and metadata such as message_id and outbox_id)")
    public static let adminListen = SettingKey(
        "admin_listen", default: "none (off)",
        "host:port of the admin listener (/metrics, /healthz), e.g. 127.0.0.1:8081; apart from the public callback port")

    /// Every setting, in the order the README documents them.
    public static let all: [SettingKey] = [
        .host, .port, .dataDir, .config, .publicURL, .webhookToken, .maxBodyBytes,
        .requestTimeoutSeconds, .idleTimeoutSeconds, .maxConnections, .maxAttempts, .retryFor,
        .retryBaseSeconds, .retryMaxSeconds, .databaseURL, .outboxLeaseSeconds, .deliveryConcurrency, .transport, .maildir, .smtpURL, .smtpPasswordFile, .smtpCAFile,
        .smtpHeloName, .smtpIdleSeconds,
        .sesRegion, .sesEndpoint, .sesConfigurationSet, .sesMaxSendRate, .mailTo, .mailFrom, .subjectTemplate, .textTemplate, .htmlTemplate, .timeZone,
        .mediaFetch, .mediaMaxBytes, .mediaMaxTotalBytes, .mediaTrustedHosts, .mediaTimeoutSeconds, .mediaAttempts, .mediaKeep,
        .replyDomain, .replySecret, .replyFrom, .replyAuthservID, .replyMaxChars, .replyConfirm,
        .replySMTPListen, .replyTLSCert, .replyTLSKey, .replyMaxBytes,
        .replyS3Bucket, .replyS3Prefix, .replyS3Endpoint,
        .flowrouteAPIURL, .flowrouteAccessKey, .flowrouteSecretKey,
        .carriers, .twilioAccountSID, .twilioAuthToken, .twilioAPIURL, .telnyxAPIKey, .telnyxPublicKey, .telnyxAPIURL,
        .bandwidthAccountID, .bandwidthUsername, .bandwidthPassword, .bandwidthApplicationID, .bandwidthCallbackUsername,
        .bandwidthCallbackPassword, .bandwidthAPIURL, .voipmsAPIUsername, .voipmsAPIPassword, .voipmsAPIURL, .voipmsAllowedCIDRs,
        .lambdaSafetyMarginMs, .idempotencyTable, .dynamoDBEndpoint, .adminListen, .adminPasswordFile, .logLevel, .logFormat,
    ]
}
