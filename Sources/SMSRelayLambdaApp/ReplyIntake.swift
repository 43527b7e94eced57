import FlowrouteAPI
import Foundation
import Logging
import MailKit
import ReplyAddress
import SMSRelayCore

/// Takes a reply email, checks it, and stores its new text in the outbox to be sent as an SMS.
///
/// The checks, in order: it is an email; it is addressed to a reply address of ours whose code
/// is right (the address alone says which number answers which texter); its sender — `From`, and
/// the envelope sender when the MTA gives it — is one of the route's recipients or allowed by
/// `reply_from`; it is not an automatic message; the receiving MTA's `Authentication-Results`, when
/// configured, do not fail it; it has new text, within the length limit. Refusals for the content
/// also store a notice to the replier. Nothing of the text is logged.
public struct ReplyIntake: Sendable {
    package let codec: ReplyAddressCodec
    package let routing: RoutingTable
    package let replies: ReplySettings
    package let store: (any ReplyStore)?

    /// The largest email read: a reply with a few pictures attached fits.
    public static let maximumBytes = 25 << 20

    /// - Parameter replyStore: where ``take(_:recipient:envelopeSender:now:logger:)`` stores replies
    ///   and notices (the outbox: SMSRelayApp's `init(settings:secret:store:)`);
    ///   ``check(_:recipient:envelopeSender:now:logger:)`` alone needs none.
    public init(settings: RelaySettings, secret: String, replyStore: (any ReplyStore)? = nil) throws {
        guard let domain = settings.replies.domain else {
            throw ConfigError("replies are off: \(SettingKey.replyDomain.environmentName) is not set")
        }
        codec = ReplyAddressCodec(secret: secret, domain: domain)
        routing = settings.routing
        replies = settings.replies
        self.store = replyStore
    }

    /// Closes the outbox's connections (a shared database's); the intake is not used afterwards.
    public func close() async {
        await store?.close()
    }

    /// Checks and stores one reply email; a reply refused for its content also stores a notice.
    /// - Parameters:
    ///   - recipient: the envelope recipient, as the MTA gives it; else the email's `Delivered-To`
    ///     and `To` fields are searched for an address at the reply domain.
    ///   - envelopeSender: the envelope sender, as the MTA gives it; empty for a bounce.
    public func take(
        _ bytes: [UInt8], recipient: String?, envelopeSender: String?, now: Date = Date(), logger: Logger
    ) async throws(ReplyRefusal) -> ReplyAccepted {
        let reply: OutboundReply
        do {
            reply = try await checkWithGroup(bytes, recipient: recipient, envelopeSender: envelopeSender, now: now, logger: logger)
        } catch {
            if let notice = error.notice {
                do {
                    try await store?.storeNotice(notice, now: now)
                } catch {
                    logger.error("cannot store the notice of a refused reply", metadata: ["error": "\(error)"])
                }
            }
            throw error
        }
        let result: (id: Int64, isNew: Bool)
        do {
            guard let store else { throw ConfigError("the reply intake was made without an outbox") }
            result = try await store.storeReply(reply, now: now)
        } catch {
            logger.error("cannot store the reply", metadata: ["error": "\(error)"])
            throw ReplyRefusal(.temporary, "the outbox cannot be written now: \(error)")
        }
        let segments = SMSSegments.count(reply.body).segments
        let accepted = ReplyAccepted(
            id: result.id, isNew: result.isNew, characters: reply.body.count, segments: segments)
        logger.info(
            accepted.isNew ? "reply stored" : "reply taken before; nothing new stored",
            metadata: [
                "outbox_id": "\(accepted.id)", "characters": "\(accepted.characters)", "segments": "\(segments)",
                "reply_message_id": "\(reply.replyMessageID)",
            ])
        return accepted
    }

    /// Checks one reply email and makes it the reply to send, storing nothing. A refusal is logged
    /// here, once, without the text.
    /// - Throws: ``ReplyRefusal``; one for the content carries the ``ReplyRefusal/notice`` to send.
    /// A reply to a group is refused here (with a notice): its members are known to the outbox
    /// only, which ``take(_:recipient:envelopeSender:now:logger:)`` asks.
    public func check(
        _ bytes: [UInt8], recipient: String?, envelopeSender: String?, now: Date = Date(), logger: Logger
    ) throws(ReplyRefusal) -> OutboundReply {
        do throws(ReplyRefusal) {
            let (reply, group) = try checked(bytes, recipient: recipient, envelopeSender: envelopeSender, now: now, logger: logger)
            if group != nil {
                throw Self.refusal(
                    "Replies to group texts are not sent from here: the relay keeps no record of the group's members. "
                        + "Answer the group from your phone.", about: reply)
            }
            return reply
        } catch {
            Self.log(error, logger: logger)
            throw error
        }
    }

    /// ``check(_:recipient:envelopeSender:now:logger:)``, and for a reply to a group its members,
    /// from the store: the reply goes to all of them through the carrier's group send.
    func checkWithGroup(
        _ bytes: [UInt8], recipient: String?, envelopeSender: String?, now: Date, logger: Logger
    ) async throws(ReplyRefusal) -> OutboundReply {
        do throws(ReplyRefusal) {
            var (reply, group) = try checked(bytes, recipient: recipient, envelopeSender: envelopeSender, now: now, logger: logger)
            guard let group else { return reply }
            let carrier = Carrier(rawValue: reply.carrier) ?? .flowroute
            guard carrier.sendsGroupTexts else {
                throw Self.refusal(
                    "\(carrier.displayName) cannot send a text to a group, so the reply was not sent. Answer the group from your phone.",
                    about: reply)
            }
            let members: [String]?
            do {
                members = try await store?.groupMembers(ourNumber: reply.from, code: group)
            } catch {
                logger.error("cannot read the group's members", metadata: ["error": "\(error)"])
                throw ReplyRefusal(.temporary, "the outbox cannot be read now: \(error)")
            }
            guard let members, let first = members.first else {
                throw Self.refusal(
                    "The group is not known to this relay (its texts were kept by another one, or removed), so the reply was not sent.",
                    about: reply)
            }
            reply.to = first
            reply.groupRecipients = Array(members.dropFirst())
            return reply
        } catch {
            Self.log(error, logger: logger)
            throw error
        }
    }

    private static func refusal(_ problem: String, about reply: OutboundReply) -> ReplyRefusal {
        var notice = ReplyNotice(.refused, about: reply, reason: problem, key: "refused:\(reply.replyMessageID)")
        notice.isGroup = true
        return ReplyRefusal(.content, problem, notice: notice)
    }

    private static func log(_ error: ReplyRefusal, logger: Logger) {
        logger.warning(
            error.notice == nil ? "reply refused" : "reply refused for its content; the replier is told",
            metadata: ["reason": "\(error.message)"])
    }

    /// The reply, and the group's code when it answers a group (whose members are still to find).
    private func checked(
        _ bytes: [UInt8], recipient: String?, envelopeSender: String?, now: Date, logger: Logger
    ) throws(ReplyRefusal) -> (OutboundReply, group: String?) {
        guard bytes.count <= Self.maximumBytes else {
            throw ReplyRefusal(.unreadable, "the email is larger than \(Self.maximumBytes >> 20) MB; a reply is not that large")
        }
        let email: ReceivedEmail
        do {
            email = try ReceivedEmail(parsing: bytes)
        } catch {
            throw ReplyRefusal(.unreadable, "\(error)")
        }
        let address = try replyAddress(of: email, recipient: recipient)
        var logger = logger
        logger[metadataKey: "reply_message_id"] = "\(email.messageID ?? "none")"
        logger.debug("reply numbers", metadata: ["from": "\(address.ourNumber)", "to": "\(address.texterNumber)"])

        let replier = try checkSender(of: email, envelopeSender: envelopeSender, for: address)
        try checkAutomatic(email)
        try checkAuthentication(email)

        let text = email.bodyText.map(ReplyText.extract) ?? ""
        let reply = OutboundReply(
            carrier: address.carrier.rawValue, from: address.ourNumber, to: address.texterNumber, body: text, replier: replier,
            replyMessageID: email.messageID ?? Self.digest(bytes), subject: email.subject, receivedAt: now)
        if let problem = contentProblem(text) {
            var notice = ReplyNotice(.refused, about: reply, reason: problem, key: "refused:\(reply.replyMessageID)")
            if address.isGroup { notice.isGroup = true }
            throw ReplyRefusal(.content, problem, notice: notice)
        }
        return (reply, address.groupCode)
    }

    // MARK: - Checks

    /// The reply address the email is for, decoded and verified.
    private func replyAddress(of email: ReceivedEmail, recipient: String?) throws(ReplyRefusal) -> ReplyAddress {
        let candidates: [String]
        if let recipient, !recipient.isEmpty {
            candidates = [recipient]
        } else {
            let suffix = "@" + codec.domain
            candidates = (email.deliveredTo + email.to.map(\.address)).filter { $0.lowercased().hasSuffix(suffix) }
            guard !candidates.isEmpty else {
                throw ReplyRefusal(
                    .noSuchAddress,
                    "the email is not addressed to the reply domain \(codec.domain) (no such Delivered-To or To); "
                        + "have the MTA pass the envelope recipient with --recipient")
            }
        }
        var firstError: ReplyAddressError?
        for candidate in candidates {
            do {
                return try codec.decode(candidate)
            } catch {
                firstError = firstError ?? error
            }
        }
        throw ReplyRefusal(.noSuchAddress, "no such reply address: \(firstError?.message ?? "none given")")
    }

    /// The replier's address, once `From` (and the envelope sender) are allowed for the number.
    private func checkSender(of email: ReceivedEmail, envelopeSender: String?, for address: ReplyAddress) throws(ReplyRefusal) -> String {
        let route = routing.route(for: address.ourNumber)
        var allowed = Set(route.replyFrom.map { $0.lowercased() })
        for recipient in route.recipients {
            for mailbox in (try? Mailbox.list(parsing: recipient)) ?? [] { allowed.insert(mailbox.address.lowercased()) }
        }
        let from = email.from.map { $0.address.lowercased() }
        guard let replier = from.first else {
            throw ReplyRefusal(.notAllowed, "the email has no From address that can be read")
        }
        for sender in from where !allowed.contains(sender) {
            throw ReplyRefusal(
                .notAllowed,
                "\(sender) may not reply for this number: only the route's recipients and \(SettingKey.replyFrom.environmentName) may")
        }
        if let envelopeSender {
            let sender = envelopeSender.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t")).lowercased()
            guard !sender.isEmpty else {
                throw ReplyRefusal(.automatic, "the email has an empty envelope sender (a bounce); it is not sent as an SMS")
            }
            guard allowed.contains(sender) else {
                throw ReplyRefusal(.notAllowed, "the envelope sender \(sender) may not reply for this number")
            }
        }
        return replier
    }

    /// Auto-replies and other automatic messages (RFC 3834) are not texted to anyone.
    private func checkAutomatic(_ email: ReceivedEmail) throws(ReplyRefusal) {
        if let value = email.header("Auto-Submitted")?.trimmingCharacters(in: .whitespaces).lowercased(), !value.hasPrefix("no") {
            throw ReplyRefusal(.automatic, "the email is an automatic message (Auto-Submitted: \(value)); it is not sent as an SMS")
        }
    }

    /// With an authserv-id configured: DMARC failing, or SPF and DKIM both failing, refuse.
    private func checkAuthentication(_ email: ReceivedEmail) throws(ReplyRefusal) {
        guard let id = replies.authservID else { return }
        for results in email.authenticationResults(by: id) {
            if results.results(of: "dmarc").contains("fail") {
                throw ReplyRefusal(.notAllowed, "\(id) found the sender's domain fails DMARC (dmarc=fail)")
            }
            let spf = results.results(of: "spf"), dkim = results.results(of: "dkim")
            let spfFails = !spf.isEmpty && spf.allSatisfy { ["fail", "softfail"].contains($0) }
            let dkimFails = !dkim.isEmpty && dkim.allSatisfy { $0 == "fail" }
            if spfFails, dkimFails {
                throw ReplyRefusal(.notAllowed, "\(id) found both SPF (spf=\(spf[0])) and DKIM (dkim=fail) failing")
            }
        }
    }

    /// Why the text cannot be sent, or nil.
    private func contentProblem(_ text: String) -> String? {
        if text.isEmpty {
            return "No new text was found in your reply (only a quote of the original, a signature or attachments), so nothing was sent."
        }
        if text.count > replies.maxCharacters {
            return "Your reply is \(text.count) characters long; at most \(replies.maxCharacters) are sent as a text message, "
                + "and a reply is never cut. Shorten it and send it again."
        }
        return nil
    }

    /// A stand-in for a missing Message-ID: the same bytes give the same one.
    package static func digest(_ bytes: [UInt8]) -> String {
        "sha256-" + SHA256Hex.of(bytes)
    }
}
