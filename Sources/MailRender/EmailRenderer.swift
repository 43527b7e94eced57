import Foundation
import MailKit
import SMSRelayCore

/// Composes the email for an inbound text message from Mustache templates: the built-in ones
/// (``DefaultTemplates``) or a route's override files.
///
/// Every template is read and compiled when the renderer is made, so a missing file or a syntax
/// error stops start-up with a message naming the file, rather than failing the first message.
public struct EmailRenderer: Sendable {
    private struct Key: Hashable {
        var kind: TemplateKind
        var path: String
    }

    private let builtInSubject: EmailTemplate
    private let builtInText: EmailTemplate
    private let builtInHTML: EmailTemplate
    private let overrides: [Key: EmailTemplate]
    /// The zone the emails show times in.
    public let timeZone: ReadableTimeZone

    /// Compiles the built-in templates and every distinct file named in `templateSets`
    /// (typically the default route's and each override's ``TemplatePaths``).
    /// - Parameter timeZone: the zone of the readable times (`SMSRELAY_TIMEZONE`).
    /// - Throws: ``MailKitError`` (``MailKitError/Code/templateNotFound``,
    ///   ``MailKitError/Code/templateUnreadable`` or ``MailKitError/Code/templateSyntax``)
    ///   naming the first file that cannot be used.
    public init(templateSets: [TemplatePaths] = [], timeZone: ReadableTimeZone = .utc) throws {
        self.timeZone = timeZone
        builtInSubject = try EmailTemplate(source: DefaultTemplates.subject, kind: .subject, origin: "built-in")
        builtInText = try EmailTemplate(source: DefaultTemplates.text, kind: .text, origin: "built-in")
        builtInHTML = try EmailTemplate(source: DefaultTemplates.html, kind: .html, origin: "built-in")
        var overrides: [Key: EmailTemplate] = [:]
        for set in templateSets {
            for (kind, path) in [(TemplateKind.subject, set.subject), (.text, set.text), (.html, set.html)] {
                guard let path, overrides[Key(kind: kind, path: path)] == nil else { continue }
                overrides[Key(kind: kind, path: path)] = try EmailTemplate(path: path, kind: kind)
            }
        }
        self.overrides = overrides
    }

    /// The email for `message`, sent the way `route` says.
    ///
    /// `From` is the route's sender address with the texter as display name: its contact name
    /// and number, `Alice (+1 206-555-0100)`, or its number alone in international form; `To`
    /// is every recipient of the route (each entry may itself be a comma-separated list); `Date`
    /// is when the carrier received the message; the Message-ID comes from ``MessageID`` and the
    /// sender's domain, so a retried callback gives the same email. `In-Reply-To` and
    /// `References` name the root of the conversation's `thread`
    /// (``MessageID/conversationRoot(conversation:segment:domain:)``), so that every mail client
    /// threads the conversation's emails together, Thunderbird (which reads only these headers)
    /// included.
    ///
    /// Without `media` the email lists each media item's link. With it, outcome *i* tells what
    /// became of `message.media[i]`: a fetched file is attached, in the carrier's order (JPEG,
    /// PNG, GIF and WebP images inline, shown in the HTML part), named and typed safely even
    /// when the carrier's name or type is hostile or wrong; an item that was not fetched keeps
    /// its link and the reason. Items the carrier's callback described badly (``MediaItem/problem``)
    /// are listed as without `media`, whatever their outcome.
    /// - Parameter thread: the thread of the conversation the email goes in; nil: the month the
    ///   carrier received the text in (``ConversationThread/month(of:)``).
    /// - Throws: ``MailKitError`` when the route's sender or a recipient is not an address, the
    ///   route has no recipient, it names a template file that was not given to
    ///   ``init(templateSets:timeZone:)``, or `media` does not hold one outcome per item
    ///   (``MailKitError/Code/mediaCountMismatch``).
    public func render(
        _ message: InboundMessage, route: Route, media: [MediaOutcome]? = nil, thread: ConversationThread? = nil
    ) throws -> Email {
        var from = try Mailbox(parsing: route.sender)
        let sender = TemplateContext.party("from", message.from, route: route)
        from.displayName = sender["fromRaw"] == nil ? nil : sender["fromDisplay"] as? String

        var to: [Mailbox] = []
        for recipient in route.recipients {
            to += try Mailbox.list(parsing: recipient)
        }
        guard !to.isEmpty else {
            throw MailKitError(.noRecipients, "the route for \(message.to) has no recipients; set at least one email address")
        }

        let domain = MessageID.domain(of: from)
        let messageID = MessageID.make(carrier: message.carrier, carrierMessageID: message.id, domain: domain)
        let root = MessageID.conversationRoot(
            conversation: Conversation(message).key, segment: (thread ?? .month(of: message.receivedAt)).segment, domain: domain)
        let deliveries = try media.map { try Self.deliveries(of: message, outcomes: $0, messageID: messageID) }

        var values = TemplateContext.values(for: message, deliveries: deliveries, route: route, timeZone: timeZone)
        let subject = Self.singleLine(try template(.subject, route.templates.subject).render(values))
        values["subject"] = subject
        let text = try template(.text, route.templates.text).render(values)
        let html = try template(.html, route.templates.html).render(values)

        return Email(
            from: from,
            to: to,
            subject: subject,
            date: message.receivedAt,
            messageID: messageID,
            textBody: text,
            htmlBody: html,
            attachments: (deliveries ?? []).compactMap { delivery in
                guard case .attached(let attachment) = delivery else { return nil }
                return attachment.attachment
            },
            inReplyTo: root,
            references: [root]
        )
    }

    /// What the email does with each of the message's media items, given what became of them.
    private static func deliveries(of message: InboundMessage, outcomes: [MediaOutcome], messageID: String) throws -> [MediaDelivery?] {
        guard outcomes.count == message.media.count else {
            throw MailKitError(
                .mediaCountMismatch,
                "\(outcomes.count) media outcome(s) were given for a message with \(message.media.count) media item(s); "
                    + "give one outcome per item, in the carrier's order"
            )
        }
        return zip(message.media, outcomes).enumerated().map { index, pair -> MediaDelivery? in
            let (item, outcome) = pair
            guard item.problem == nil else { return nil }
            switch outcome {
            case .fetched(let data, let servedType):
                return .attached(MediaAttachment(item: item, position: index + 1, data: data, servedType: servedType, messageID: messageID))
            case .notAttached(let reason):
                return .notAttached(reason: reason)
            }
        }
    }

    private func template(_ kind: TemplateKind, _ path: String?) throws -> EmailTemplate {
        guard let path else {
            return switch kind {
            case .subject: builtInSubject
            case .text: builtInText
            case .html: builtInHTML
            }
        }
        guard let template = overrides[Key(kind: kind, path: path)] else {
            throw MailKitError(
                .templateNotLoaded,
                "\(kind.rawValue) template '\(path)' was not loaded at start-up; "
                    + "include its TemplatePaths in EmailRenderer(templateSets:)"
            )
        }
        return template
    }

    /// Runs of white space (line breaks included) as single spaces, without leading or trailing ones.
    private static func singleLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.unicodeScalars.contains(where: HeaderText.isControl) })
            .joined(separator: " ")
    }
}
