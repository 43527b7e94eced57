import Foundation
import Logging
import MailKit
import SMSRelayCore
import SMSRelayLambdaApp

/// `smsrelay send-test`: one sample text, composed through the configured route and templates and
/// handed to the configured transport at once, not through the outbox, to try a transport's
/// settings and credentials.
public enum SendTestApp {
    /// The sample's sender when none is given: a number reserved for fiction (555-01xx).
    public static let defaultSender = "12025550123"
    /// Our number when none is given and no number has a route of its own.
    public static let defaultNumber = "12025550100"
    public static let defaultText = "This is a test message from smsrelay send-test. If you read it, texts to this number reach you."

    /// Where the sample went.
    public struct Report: Sendable, CustomStringConvertible {
        public var transport: String
        /// Which route the number took, in words.
        public var route: String
        public var email: Email
        public var receipt: MailReceipt
        /// Why the email has no Reply-To although replies are on; nil otherwise.
        public var replyNote: String?

        public var description: String {
            var lines = ["Sent a test message through \(transport)"]
            lines.append("  route        \(route)")
            lines.append("  from         \(Self.mailbox(email.from))")
            lines.append("  to           \(email.to.map(\.address).joined(separator: ", "))")
            lines.append("  subject      \(email.subject)")
            lines.append("  Message-ID   <\(email.messageID)>")
            if let replyTo = email.replyTo {
                lines.append("  Reply-To     \(replyTo.address) (answering it texts the sample's sender)")
            } else if let replyNote {
                lines.append("  Reply-To     none: \(replyNote)")
            }
            lines.append("  answer       \(receipt.answer ?? "(none given)")")
            for (address, reply) in receipt.rejectedRecipients.sorted(by: { $0.key < $1.key }) {
                lines.append("  refused      \(address): \(reply)")
            }
            return lines.joined(separator: "\n")
        }

        private static func mailbox(_ mailbox: Mailbox) -> String {
            mailbox.displayName.map { "\($0) <\(mailbox.address)>" } ?? mailbox.address
        }
    }

    /// The transport did not take the sample; the message is the transport's, which never holds a secret.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let transport: String
        public let error: String
        public var description: String { "the \(transport) transport did not take the test message: \(error)" }
    }

    /// Composes the sample for `to` (our number, which picks the route) from `from` and sends it.
    /// - Parameters:
    ///   - to: our number; nil takes the first number with a route of its own, else ``defaultNumber``.
    /// - Throws: ``ConfigError`` for a setting or an argument at fault, ``Failure`` when the
    ///   transport refused or could not be reached.
    public static func run(settings: RelaySettings, to: String?, from: String, text: String, logger: Logger) async throws -> Report {
        // Whatever the caller's umask, a maildir the transport creates is its user's alone.
        umask(0o077)
        let number = to ?? settings.routing.overrides.keys.sorted().first ?? defaultNumber
        for (given, flag) in [(number, "--to"), (from, "--from")] {
            let digits = RoutingTable.normalize(given)
            guard !digits.isEmpty, digits.count <= 15 else {
                throw ConfigError("\(flag) \(given) is not a phone number: give its digits with the country code, e.g. 12065551234")
            }
        }
        guard !text.isEmpty else { throw ConfigError("--text is empty: give the sample a text") }

        var replySecret: String?
        var replyNote: String?
        if settings.replies.isEnabled {
            replySecret = try settings.replies.secret ?? ReplySecret.stored(in: settings.dataDirectory)
            if replySecret == nil {
                replyNote = "\(SettingKey.replySecret.environmentName) is not set and `smsrelay serve` has not generated one in the data folder yet"
            }
        }
        let plan = try RelayPlan(settings: settings)
        let components = try plan.open(logger: logger, replySecret: replySecret)
        let now = Date()
        let message = InboundMessage(
            carrier: "flowroute", id: "send-test-\(Int(now.timeIntervalSince1970))-\(UInt32.random(in: .min ... .max))",
            from: RoutingTable.normalize(from), to: RoutingTable.normalize(number), body: text, receivedAt: now)
        let email: Email
        do {
            email = try components.compose(message, nil, nil)
        } catch {
            await components.transport.shutdown()
            throw ConfigError("the templates cannot render the test message: \(error)")
        }
        let receipt: MailReceipt
        do {
            receipt = try await components.transport.send(email)
        } catch {
            await components.transport.shutdown()
            throw Failure(transport: components.transport.name, error: "\(error)")
        }
        await components.transport.shutdown()
        let own = settings.routing.overrides[RoutingTable.normalize(number)] != nil
        return Report(
            transport: plan.transportSummary,
            route: own ? "\(message.to): its own route" : "the default route (\(message.to) has no route of its own)",
            email: email, receipt: receipt, replyNote: replyNote)
    }
}
