import CarrierAPI
import Foundation
import Logging
import Outbox
import SMSRelayCore
import SMSRelayLambdaApp

/// `smsrelay reply` and `smsrelay send-sms`: the reply path from the command line.
public enum ReplyApp {
    /// The reply intake of an existing data folder: its outbox and the reply secret the server
    /// generated. Creates nothing, so a wrong `--data-dir` is an error the MTA retries, never a
    /// bounce of a real reply.
    /// - Throws: ``ReplyRefusal`` of kind ``ReplyRefusal/Kind/temporary`` naming what to fix.
    public static func intake(settings: RelaySettings, logger: Logger) async throws(ReplyRefusal) -> ReplyIntake {
        guard settings.replies.isEnabled else {
            throw ReplyRefusal(.temporary, "replies are off: set \(SettingKey.replyDomain.environmentName) as for `smsrelay serve`")
        }
        do {
            guard let secret = try settings.replies.secret ?? ReplySecret.stored(in: settings.dataDirectory) else {
                if settings.databaseURL == nil, !FileManager.default.fileExists(atPath: settings.outboxPath) {
                    throw ConfigError(Self.noOutbox(settings.outboxPath))
                }
                throw ConfigError(
                    "no reply secret: \(SettingKey.replySecret.environmentName) is not set and the server has not generated "
                        + "\(settings.dataDirectory.appendingPathComponent(ReplySecret.fileName).path) yet")
            }
            let store = try await OutboxOpener.openExisting(settings, logger: logger) { path in ConfigError(Self.noOutbox(path)) }
            return try ReplyIntake(settings: settings, secret: secret, store: store)
        } catch {
            throw ReplyRefusal(.temporary, "\(error)")
        }
    }

    private static func noOutbox(_ path: String) -> String {
        "no outbox at \(path): start `smsrelay serve` once, or give the server's --data-dir (\(SettingKey.dataDir.environmentName))"
    }

    /// Sends one SMS now through a carrier, as replies are sent, to try the credentials: the
    /// carrier given, else the one the route of `from` names, else Flowroute.
    /// - Returns: the carrier's name and its id for the message.
    /// - Throws: ``ConfigError`` without the carrier's credentials; ``TextSendError`` when it refused.
    public static func sendSMS(
        settings: RelaySettings, carrier given: Carrier? = nil, from: String, to: String, text: String, logger: Logger
    ) async throws -> (carrier: Carrier, messageID: String) {
        let carrier = given ?? settings.routing.carrier(for: from) ?? .flowroute
        guard settings.carriers.enabled.contains(carrier) else {
            throw ConfigError(
                "\(carrier.displayName) is not on: give its settings (README, Carriers) or list it in \(SettingKey.carriers.environmentName)")
        }
        guard let sender = settings.carriers.senders(flowroute: settings.replies.flowroute, logger: logger)[carrier.rawValue] else {
            throw ConfigError("set \(carrier.displayName)'s API credentials to send through it (README, Carriers)")
        }
        let numbers = [(from, "--from"), (to, "--to")].map { (RoutingTable.normalize($0.0), $0.0, $0.1) }
        for (digits, given, flag) in numbers where digits.isEmpty || digits.count > 15 {
            throw ConfigError("\(flag) \(given) is not a phone number: give its digits with the country code, e.g. 12065551234")
        }
        guard !text.isEmpty, text.count <= settings.replies.maxCharacters else {
            throw ConfigError(
                "the text must have 1 to \(settings.replies.maxCharacters) characters (\(SettingKey.replyMaxChars.environmentName)); it has \(text.count)")
        }
        let sent = try await sender.send(OutgoingText(from: numbers[0].0, to: numbers[1].0, body: text))
        return (carrier, sent.messageID)
    }
}
