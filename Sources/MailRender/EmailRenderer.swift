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

    /// Compiles the built-in templates and every distinct file named in `templateSets`
    /// (typically the default route's and each override's ``TemplatePaths``).
    /// - Throws: ``MailKitError`` (``MailKitError/Code/templateNotFound``,
    ///   ``MailKitError/Code/templateUnreadable`` or ``MailKitError/Code/templateSyntax``)
    ///   naming the first file that cannot be used.
    public init(templateSets: [TemplatePaths] = []) throws {
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
    /// `From` is the route's sender address with the SMS sender's number as display name; `To`
    /// is every recipient of the route (each entry may itself be a comma-separated list); `Date`
    /// is when the carrier received the message; the Message-ID comes from ``MessageID`` and the
    /// sender's domain, so a retried callback gives the same email.
    /// - Throws: ``MailKitError`` when the route's sender or a recipient is not an address, the
    ///   route has no recipient, or it names a template file that was not given to ``init(templateSets:)``.
    public func render(_ message: InboundMessage, route: Route) throws -> Email {
        var from = try Mailbox(parsing: route.sender)
        let number = HeaderText.neutralisingControls(message.from).trimmingCharacters(in: .whitespaces)
        from.displayName = number.isEmpty ? nil : number

        var to: [Mailbox] = []
        for recipient in route.recipients {
            to += try Mailbox.list(parsing: recipient)
        }
        guard !to.isEmpty else {
            throw MailKitError(.noRecipients, "the route for \(message.to) has no recipients; set at least one email address")
        }

        var values = TemplateContext.values(for: message)
        let subject = Self.singleLine(try template(.subject, route.templates.subject).render(values))
        values["subject"] = subject
        let text = try template(.text, route.templates.text).render(values)
        let html = try template(.html, route.templates.html).render(values)

        return Email(
            from: from,
            to: to,
            subject: subject,
            date: message.receivedAt,
            messageID: MessageID.make(
                carrier: message.carrier,
                carrierMessageID: message.id,
                domain: MessageID.domain(of: from)
            ),
            textBody: text,
            htmlBody: html
        )
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
