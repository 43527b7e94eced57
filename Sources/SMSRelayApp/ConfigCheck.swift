import Foundation
import LambdaRuntime
import Logging
import MailRender
import SMSRelayCore
import SMSRelayLambdaApp

/// `smsrelay config check`: the validation a start runs, without starting.
///
/// It loads the settings and builds the components exactly as `serve` (or, in ``Mode/lambda``, the
/// Lambda function) does at start-up — every template loaded, the transport reading and checking
/// its own settings — so it refuses everything a start would refuse, with the same message. It
/// creates nothing and connects nowhere.
public enum ConfigCheck {
    public enum Mode: String, Sendable, CaseIterable {
        case serve
        case lambda
    }

    /// The report of a valid configuration, secrets hidden.
    /// - Throws: ``ConfigError`` naming the setting at fault.
    public static func run(flags: [String: String], environment: [String: String], mode: Mode) throws -> String {
        let settings: RelaySettings
        switch mode {
        case .serve:
            settings = try RelaySettings.load(flags: flags, environment: environment)
        case .lambda:
            settings = try RelaySettings.load(flags: flags, environment: environment, defaultTransport: .lambdaDefault)
        }
        let plan = try RelayPlan(settings: settings, lambda: mode == .lambda)
        if mode == .lambda {
            _ = try RelayPlan.lambdaReplySecret(settings)
            let logger = Logger(label: "smsrelay.config-check")
            _ = try RelayPlan.replyS3Client(settings, credentials: plan.awsCredentialProvider(logger: logger), logger: logger)
            _ = try RelayPlan.idempotencyTable(settings, credentials: plan.awsCredentialProvider(logger: logger), logger: logger)
        }
        return report(settings, plan: plan, mode: mode)
    }

    static func report(_ settings: RelaySettings, plan: RelayPlan, mode: Mode) -> String {
        var lines = ["Configuration is valid\(mode == .lambda ? " for Lambda" : "")."]
        if mode == .serve {
            lines.append("  listen          \(settings.host):\(settings.port)")
            lines.append("  data folder     \(settings.dataDirectory.path)")
            var outbox = settings.outboxSummary
            if settings.databaseURL != nil {
                outbox += ", shared: a worker's claim lasts \(settings.outboxLease.components.seconds)s"
            }
            lines.append("  outbox          \(outbox)")
        }
        lines.append("  config file     \(settings.configFile ?? "(none)")")
        if !settings.credentials.isEmpty {
            lines.append("  credentials     \(settings.credentials.joined(separator: ", ")) (systemd's, in \(CredentialsDirectory.environmentName))")
        }
        if mode == .serve {
            lines.append("  public URL      \(settings.publicURL)")
            lines.append("  webhook token   \(settings.webhookToken == nil ? "stored in the data folder (generated on first start)" : "set (hidden)")")
        } else {
            lines.append("  webhook token   \(settings.webhookToken == nil ? "not set: the endpoint is open to anyone with its URL" : "set (hidden)")")
        }
        for carrier in settings.carriers.enabled {
            lines.append("  \(carrier.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(carrierSummary(carrier, settings))")
        }
        lines.append("  transport       \(plan.transportSummary)")
        lines.append("  max body        \(settings.maxBodyBytes) bytes")
        if mode == .serve {
            lines.append("  connections     at most \(settings.maxConnections); a request must arrive within \(settings.requestTimeout.components.seconds)s, idle ones close after \(settings.idleTimeout.components.seconds)s")
            lines.append("  delivery        up to \(settings.deliveryConcurrency) message\(settings.deliveryConcurrency == 1 ? "" : "s") at once, one at a time per conversation")
            lines.append("  retries         transient failures for \(describe(settings.retryFor))\(settings.maxAttempts.map { ", at most \($0) attempts" } ?? "")")
            lines.append("  admin           \(settings.adminListen.map { "http://\($0) (/metrics, /healthz)" } ?? "off (SMSRELAY_ADMIN_LISTEN)")")
            lines.append("  logs            \(settings.logLevel), \(settings.logFormat.rawValue)")
        } else {
            lines.append("  deadline        a send still running \(settings.lambdaSafetyMargin.milliseconds) ms before the invocation's deadline is abandoned (500)")
            lines.append("  exactly once    \(idempotencySummary(settings.idempotency))")
        }
        lines.append("  times           \(settings.timeZone.name) (now \(settings.timeZone.readable(Date())))")
        lines.append("  media           \(mediaSummary(settings.media))")
        lines.append("  replies         \(replySummary(settings.replies, mode: mode))")
        lines.append("  default route   to \(settings.routing.defaultRoute.recipients.joined(separator: ", ")) from \(settings.routing.defaultRoute.sender)")
        for number in settings.routing.overrides.keys.sorted() {
            let route = settings.routing.route(for: number)
            lines.append("  route \(number)   to \(route.recipients.joined(separator: ", ")) from \(route.sender)")
        }
        let contacts = settings.routing.defaultRoute.contacts.count
        if contacts > 0 || settings.routing.overrides.values.contains(where: { !($0.contacts ?? [:]).isEmpty }) {
            let perRoute = settings.routing.overrides.values.reduce(0) { $0 + ($1.contacts?.count ?? 0) }
            lines.append("  contacts        \(contacts) for every route, \(perRoute) in routes of their own")
        }
        return lines.joined(separator: "\n")
    }

    /// A carrier's callback path and check, in one line; never a secret.
    static func carrierSummary(_ carrier: Carrier, _ settings: RelaySettings) -> String {
        let publicURL = settings.isPublicURLConfigured ? settings.publicURL : nil
        let check = settings.carriers.authenticator(for: carrier, publicURL: publicURL)?.summary ?? "token only"
        return "callbacks at /\(carrier.rawValue)/<token>, checked by \(check)"
    }

    /// Whether a retried callback can send a second email, in one line.
    static func idempotencySummary(_ idempotency: IdempotencySettings?) -> String {
        guard let idempotency else {
            return "off: a callback retried after SES took the email sends it again (set \(SettingKey.idempotencyTable.environmentName))"
        }
        let endpoint = idempotency.endpoint.map { " at \($0.absoluteString)" } ?? ""
        return "DynamoDB table \(idempotency.table)\(endpoint): each text claimed before it is sent; a claim is stale after the function's timeout"
    }

    /// What becomes of MMS media, in one line.
    static func mediaSummary(_ media: MediaSettings) -> String {
        guard media.fetch else { return "links only (fetching is off)" }
        var text = "attached up to \(MediaCollector.readable(media.maxBytes)) an item, \(MediaCollector.readable(media.maxTotalBytes)) an email"
        text += "; \(media.attempts) attempts of at most \(media.timeout.components.seconds)s"
        let trusted = media.trustedHosts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !trusted.isEmpty { text += "; trusted hosts \(trusted.joined(separator: ", "))" }
        return text
    }

    /// Whether and how replies by email are sent, in one line; never a secret.
    static func replySummary(_ replies: ReplySettings, mode: Mode) -> String {
        guard let domain = replies.domain else { return "off (\(SettingKey.replyDomain.environmentName) is not set)" }
        var text = "to <code>@\(domain)"
        if mode == .lambda, let s3 = replies.s3 { text += " (received by SES into s3://\(s3.bucket)/\(s3.prefix))" }
        text += ", sent through the carrier each text came in on"
        if replies.flowroute.accessKey != nil {
            text += " (Flowroute: \(replies.flowroute.apiURL.absoluteString) as \(replies.flowroute.accessKey ?? "?"))"
        }
        text += "; secret \(replies.secret == nil ? "stored in the data folder (generated on first start)" : "set (hidden)")"
        text += "; at most \(replies.maxCharacters) characters"
        if let id = replies.authservID { text += "; Authentication-Results of \(id) checked" }
        if !replies.allowedSenders.isEmpty { text += "; also from \(replies.allowedSenders.joined(separator: ", "))" }
        if replies.confirm { text += "; sent replies confirmed" }
        if mode == .serve, let receiver = replies.receiver {
            text += "; SMTP receiver on \(receiver.host):\(receiver.port)\(receiver.certificatePath == nil ? " without STARTTLS" : " with STARTTLS"), at most \(receiver.maxBytes) bytes"
        }
        return text
    }

    /// `5d`, `12h`, `90m`, `45s`: the largest unit that divides the duration.
    public static func describe(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}
