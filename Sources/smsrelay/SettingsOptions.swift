import ArgumentParser
import Foundation
import SMSRelayApp

/// The settings that can be given as flags; each also has an environment variable and a config-file key.
/// Secrets (the webhook token, the SMTP URL, which may hold a password) have no flag: a command line
/// is visible to every user of the machine.
struct SettingsOptions: ParsableArguments {
    @Option(help: "Address to listen on. [env: SMSRELAY_HOST, default: 127.0.0.1]")
    var host: String?
    @Option(help: "Port to listen on. [env: SMSRELAY_PORT, default: 8080]")
    var port: String?
    @Option(help: "Folder for the outbox, the generated token and the maildir. [env: SMSRELAY_DATA_DIR, default: ./smsrelay-data]")
    var dataDir: String?
    @Option(help: "YAML config file with settings and per-number routes. [env: SMSRELAY_CONFIG]")
    var config: String?
    @Option(help: "Base URL the carrier reaches this server at, for the printed callback URL. [env: SMSRELAY_PUBLIC_URL]")
    var publicURL: String?
    @Option(help: "Largest callback body accepted, in bytes. [env: SMSRELAY_MAX_BODY_BYTES, default: 65536]")
    var maxBodyBytes: String?
    @Option(help: "Seconds a request may take to arrive whole. [env: SMSRELAY_REQUEST_TIMEOUT_SECONDS, default: 10]")
    var requestTimeoutSeconds: String?
    @Option(help: "Seconds an idle keep-alive connection stays open. [env: SMSRELAY_IDLE_TIMEOUT_SECONDS, default: 60]")
    var idleTimeoutSeconds: String?
    @Option(help: "Connections open at once. [env: SMSRELAY_MAX_CONNECTIONS, default: 256]")
    var maxConnections: String?
    @Option(help: "A cap on delivery attempts per message. [env: SMSRELAY_MAX_ATTEMPTS, default: none]")
    var maxAttempts: String?
    @Option(help: "How long transient delivery failures are retried, e.g. 12h or 5d. [env: SMSRELAY_RETRY_FOR, default: 5d]")
    var retryFor: String?
    @Option(help: "Delay after the first failed attempt, doubling each time. [env: SMSRELAY_RETRY_BASE_SECONDS, default: 5]")
    var retryBaseSeconds: String?
    @Option(help: "Longest delay between two attempts. [env: SMSRELAY_RETRY_MAX_SECONDS, default: 3600]")
    var retryMaxSeconds: String?
    @Option(help: "Seconds a worker holds the messages it took; with a shared outbox (SMSRELAY_DATABASE_URL, environment or file only: it holds a password), the other relays deliver those of one that died after it. [env: SMSRELAY_OUTBOX_LEASE_SECONDS, default: 120]")
    var outboxLeaseSeconds: String?
    @Option(help: "Messages in flight at once, 1 to 64; one conversation's go one at a time, in order. [env: SMSRELAY_DELIVERY_CONCURRENCY, default: 4]")
    var deliveryConcurrency: String?
    @Option(help: "Mail transport: maildir, smtp or ses. [env: SMSRELAY_TRANSPORT, default: maildir]")
    var transport: String?
    @Option(help: "Maildir to deliver to. [env: SMSRELAY_MAILDIR, default: <data-dir>/mail]")
    var maildir: String?
    @Option(help: "File holding the SMTP password (the URL, which may hold one, is environment or file only). [env: SMSRELAY_SMTP_PASSWORD_FILE]")
    var smtpPasswordFile: String?
    @Option(help: "Extra trusted CA certificate (PEM) for the SMTP server. [env: SMSRELAY_SMTP_CA_FILE]")
    var smtpCaFile: String?
    @Option(help: "Name given in EHLO: a fully qualified domain name or an address literal. [env: SMSRELAY_SMTP_HELO_NAME]")
    var smtpHeloName: String?
    @Option(help: "Seconds an unused SMTP connection stays open. [env: SMSRELAY_SMTP_IDLE_SECONDS, default: 30]")
    var smtpIdleSeconds: String?
    @Option(help: "AWS region of the SES endpoint; SES's credentials are AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, else a web identity, the container endpoint or the EC2 instance metadata service (README, \"AWS credentials\"). [env: SMSRELAY_SES_REGION, default: AWS_REGION]")
    var sesRegion: String?
    @Option(help: "SES endpoint override. [env: SMSRELAY_SES_ENDPOINT]")
    var sesEndpoint: String?
    @Option(help: "SES configuration set to send with. [env: SMSRELAY_SES_CONFIGURATION_SET]")
    var sesConfigurationSet: String?
    @Option(help: "Messages per second sent through SES, decimals allowed; throttling slows it down for a while. [env: SMSRELAY_SES_MAX_SEND_RATE, default: 14]")
    var sesMaxSendRate: String?
    @Option(help: "Comma-separated recipients. [env: SMSRELAY_MAIL_TO, default: inbox@localhost]")
    var mailTo: String?
    @Option(help: "Sender address. [env: SMSRELAY_MAIL_FROM, default: sms@localhost]")
    var mailFrom: String?
    @Option(help: "Mustache file for the subject. [env: SMSRELAY_SUBJECT_TEMPLATE, default: built in]")
    var subjectTemplate: String?
    @Option(help: "Mustache file for the plain-text part. [env: SMSRELAY_TEXT_TEMPLATE, default: built in]")
    var textTemplate: String?
    @Option(help: "Mustache file for the HTML part. [env: SMSRELAY_HTML_TEMPLATE, default: built in]")
    var htmlTemplate: String?
    @Option(help: "IANA time zone the emails show times in, e.g. Europe/Paris. [env: SMSRELAY_TIMEZONE, default: UTC]")
    var timezone: String?
    @Option(help: "Download MMS media and attach it: true or false (links only). [env: SMSRELAY_MEDIA_FETCH, default: true]")
    var mediaFetch: String?
    @Option(help: "Largest media item attached, in bytes. [env: SMSRELAY_MEDIA_MAX_BYTES, default: 10485760]")
    var mediaMaxBytes: String?
    @Option(help: "Most media attached to one email, in bytes. [env: SMSRELAY_MEDIA_MAX_TOTAL_BYTES, default: 20971520]")
    var mediaMaxTotalBytes: String?
    @Option(help: "Comma-separated host or host:port media may come from over http or a private address. [env: SMSRELAY_MEDIA_TRUSTED_HOSTS]")
    var mediaTrustedHosts: String?
    @Option(help: "Seconds one media download may take. [env: SMSRELAY_MEDIA_TIMEOUT_SECONDS, default: 30]")
    var mediaTimeoutSeconds: String?
    @Option(help: "Download attempts per media item. [env: SMSRELAY_MEDIA_ATTEMPTS, default: 4]")
    var mediaAttempts: String?
    @Option(help: "Keep downloaded media after the email is sent: true or false. [env: SMSRELAY_MEDIA_KEEP, default: false]")
    var mediaKeep: String?
    @Option(help: "Domain of the reply addresses; set, answers to relayed emails go back as SMS. [env: SMSRELAY_REPLY_DOMAIN]")
    var replyDomain: String?
    @Option(help: "Comma-separated addresses that may reply for every number, besides the routes' recipients. [env: SMSRELAY_REPLY_FROM]")
    var replyFrom: String?
    @Option(help: "authserv-id of the receiving MTA's Authentication-Results to check replies by. [env: SMSRELAY_REPLY_AUTHSERV_ID]")
    var replyAuthservId: String?
    @Option(help: "Longest reply sent as an SMS, in characters; longer ones are refused. [env: SMSRELAY_REPLY_MAX_CHARS, default: 1600]")
    var replyMaxChars: String?
    @Option(help: "Email the replier when a reply was sent: true or false. [env: SMSRELAY_REPLY_CONFIRM, default: false]")
    var replyConfirm: String?
    @Option(help: "host:port of the embedded SMTP receiver for the reply domain, e.g. 0.0.0.0:25. [env: SMSRELAY_REPLY_SMTP_LISTEN, default: off]")
    var replySmtpListen: String?
    @Option(help: "PEM certificate the SMTP receiver offers with STARTTLS; re-read on SIGHUP. [env: SMSRELAY_REPLY_TLS_CERT]")
    var replyTlsCert: String?
    @Option(help: "PEM private key of --reply-tls-cert. [env: SMSRELAY_REPLY_TLS_KEY]")
    var replyTlsKey: String?
    @Option(help: "Largest email the SMTP receiver takes, in bytes. [env: SMSRELAY_REPLY_MAX_BYTES, default: 10485760]")
    var replyMaxBytes: String?
    @Option(help: "Flowroute's API. [env: SMSRELAY_FLOWROUTE_API_URL, default: https://api.flowroute.com]")
    var flowrouteApiUrl: String?
    @Option(help: "Flowroute API access key (the secret key is environment or file only). [env: SMSRELAY_FLOWROUTE_ACCESS_KEY]")
    var flowrouteAccessKey: String?
    @Option(help: "Carriers whose callback URLs are open: flowroute, twilio, telnyx, bandwidth, voipms. [env: SMSRELAY_CARRIERS, default: flowroute and every carrier with a setting]")
    var carriers: String?
    @Option(help: "Twilio Account SID, for replies (the auth token is environment or file only). [env: SMSRELAY_TWILIO_ACCOUNT_SID]")
    var twilioAccountSid: String?
    @Option(help: "Twilio's API, or a SignalWire space URL. [env: SMSRELAY_TWILIO_API_URL, default: https://api.twilio.com]")
    var twilioApiUrl: String?
    @Option(help: "Telnyx public key, base64: checks every callback's signature. [env: SMSRELAY_TELNYX_PUBLIC_KEY]")
    var telnyxPublicKey: String?
    @Option(help: "Telnyx's API. [env: SMSRELAY_TELNYX_API_URL, default: https://api.telnyx.com]")
    var telnyxApiUrl: String?
    @Option(help: "Bandwidth account id, for replies. [env: SMSRELAY_BANDWIDTH_ACCOUNT_ID]")
    var bandwidthAccountId: String?
    @Option(help: "Bandwidth API user name, for replies and media (the password is environment or file only). [env: SMSRELAY_BANDWIDTH_USERNAME]")
    var bandwidthUsername: String?
    @Option(help: "Bandwidth messaging application id, for replies. [env: SMSRELAY_BANDWIDTH_APPLICATION_ID]")
    var bandwidthApplicationId: String?
    @Option(help: "User name of Bandwidth's callback credentials (Basic authentication). [env: SMSRELAY_BANDWIDTH_CALLBACK_USERNAME]")
    var bandwidthCallbackUsername: String?
    @Option(help: "Bandwidth's messaging API. [env: SMSRELAY_BANDWIDTH_API_URL, default: https://messaging.bandwidth.com]")
    var bandwidthApiUrl: String?
    @Option(help: "VoIP.ms API user name, for replies (the password is environment or file only). [env: SMSRELAY_VOIPMS_API_USERNAME]")
    var voipmsApiUsername: String?
    @Option(help: "VoIP.ms's API. [env: SMSRELAY_VOIPMS_API_URL, default: https://voip.ms]")
    var voipmsApiUrl: String?
    @Option(help: "Address blocks VoIP.ms's callbacks may come from, comma-separated. [env: SMSRELAY_VOIPMS_ALLOWED_CIDRS, default: any]")
    var voipmsAllowedCidrs: String?
    @Option(help: "host:port of the admin listener: /metrics (Prometheus) and /healthz, e.g. 127.0.0.1:8081. [env: SMSRELAY_ADMIN_LISTEN, default: off]")
    var adminListen: String?
    @Option(help: "File holding the bcrypt hash of the admin page's password (smsrelay admin-password writes it). [env: SMSRELAY_ADMIN_PASSWORD_FILE, default: no admin page]")
    var adminPasswordFile: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. [env: SMSRELAY_LOG_LEVEL, default: info]")
    var logLevel: String?
    @Option(help: "Log format: text, or json (one object a line). [env: SMSRELAY_LOG_FORMAT, default: text]")
    var logFormat: String?

    var flags: [String: String] {
        let pairs: [(SettingKey, String?)] = [
            (.host, host), (.port, port), (.dataDir, dataDir), (.config, config), (.publicURL, publicURL),
            (.maxBodyBytes, maxBodyBytes), (.requestTimeoutSeconds, requestTimeoutSeconds),
            (.idleTimeoutSeconds, idleTimeoutSeconds), (.maxConnections, maxConnections),
            (.maxAttempts, maxAttempts), (.retryFor, retryFor), (.retryBaseSeconds, retryBaseSeconds),
            (.retryMaxSeconds, retryMaxSeconds), (.outboxLeaseSeconds, outboxLeaseSeconds),
            (.deliveryConcurrency, deliveryConcurrency), (.transport, transport), (.maildir, maildir),
            (.smtpPasswordFile, smtpPasswordFile), (.smtpCAFile, smtpCaFile), (.smtpHeloName, smtpHeloName),
            (.smtpIdleSeconds, smtpIdleSeconds), (.sesRegion, sesRegion), (.sesEndpoint, sesEndpoint),
            (.sesConfigurationSet, sesConfigurationSet), (.sesMaxSendRate, sesMaxSendRate), (.mailTo, mailTo), (.mailFrom, mailFrom),
            (.subjectTemplate, subjectTemplate), (.textTemplate, textTemplate), (.htmlTemplate, htmlTemplate), (.timeZone, timezone),
            (.mediaFetch, mediaFetch), (.mediaMaxBytes, mediaMaxBytes), (.mediaMaxTotalBytes, mediaMaxTotalBytes),
            (.mediaTrustedHosts, mediaTrustedHosts), (.mediaTimeoutSeconds, mediaTimeoutSeconds),
            (.mediaAttempts, mediaAttempts), (.mediaKeep, mediaKeep),
            (.replyDomain, replyDomain), (.replyFrom, replyFrom), (.replyAuthservID, replyAuthservId),
            (.replyMaxChars, replyMaxChars), (.replyConfirm, replyConfirm), (.flowrouteAPIURL, flowrouteApiUrl),
            (.flowrouteAccessKey, flowrouteAccessKey), (.replySMTPListen, replySmtpListen), (.replyTLSCert, replyTlsCert),
            (.replyTLSKey, replyTlsKey), (.replyMaxBytes, replyMaxBytes), (.adminListen, adminListen), (.adminPasswordFile, adminPasswordFile), (.logLevel, logLevel),
            (.logFormat, logFormat), (.carriers, carriers), (.twilioAccountSID, twilioAccountSid), (.twilioAPIURL, twilioApiUrl),
            (.telnyxPublicKey, telnyxPublicKey), (.telnyxAPIURL, telnyxApiUrl), (.bandwidthAccountID, bandwidthAccountId),
            (.bandwidthUsername, bandwidthUsername), (.bandwidthApplicationID, bandwidthApplicationId),
            (.bandwidthCallbackUsername, bandwidthCallbackUsername), (.bandwidthAPIURL, bandwidthApiUrl),
            (.voipmsAPIUsername, voipmsApiUsername), (.voipmsAPIURL, voipmsApiUrl), (.voipmsAllowedCIDRs, voipmsAllowedCidrs),
        ]
        var flags: [String: String] = [:]
        for (key, value) in pairs {
            if let value { flags[key.name] = value }
        }
        return flags
    }

    /// The settings, or a command-line error that names what is wrong.
    func load() throws -> RelaySettings {
        do {
            return try RelaySettings.load(flags: flags, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
    }
}
