import Foundation
import MailKit
import SMSRelayCore

/// Composes the short email that tells a person what became of their reply by email: not sent
/// (refused, or Flowroute would not take it), not delivered (the delivery receipt), or sent
/// (when confirmations are on).
///
/// The notice answers the reply (`In-Reply-To`), so mail clients show it in the conversation;
/// it is marked `Auto-Submitted: auto-replied` (RFC 3834), so that no auto-responder answers it;
/// and every value from the reply or the carrier is escaped in its HTML part.
public struct NoticeRenderer: Sendable {
    private let subject: EmailTemplate
    private let text: EmailTemplate
    private let html: EmailTemplate

    /// - Throws: ``MailKitError`` if a built-in template does not compile (a defect, caught by the tests).
    public init() throws {
        subject = try EmailTemplate(source: Self.subjectSource, kind: .subject, origin: "built-in notice")
        text = try EmailTemplate(source: Self.textSource, kind: .text, origin: "built-in notice")
        html = try EmailTemplate(source: Self.htmlSource, kind: .html, origin: "built-in notice")
    }

    /// The notice email.
    /// - Parameters:
    ///   - sender: the route's sender address (`SMSRELAY_MAIL_FROM` unless the route has its own).
    ///   - replyTo: the reply address of the conversation, so that answering the notice is a new
    ///     reply to the texter; nil when replies are not addressed (it always is in practice).
    /// - Throws: ``MailKitError`` when the sender or the replier is not an address.
    public func render(_ notice: ReplyNotice, sender: String, replyTo: Mailbox?) throws -> Email {
        var from = try Mailbox(parsing: sender)
        from.displayName = "SMS relay"
        let to = try Mailbox(parsing: notice.replier)
        // A reply to a group was for all of it, whichever member its record names first.
        let texter = notice.isGroup == true ? "the group" : PhoneNumberText.readable(notice.texterNumber)
        let values: [String: Any] = [
            "texter": texter,
            "ourNumber": PhoneNumberText.readable(notice.ourNumber),
            "reason": notice.reason,
            "firstLine": notice.firstLine,
            "hasFirstLine": !notice.firstLine.isEmpty,
            "sent": notice.kind == .sent,
            "undelivered": notice.kind == .undelivered,
            "canRetry": notice.kind != .sent && replyTo != nil,
        ]
        let subjectLine = subject.render(values).split(whereSeparator: \.isNewline).joined(separator: " ")
        return Email(
            from: from,
            to: [to],
            subject: subjectLine,
            date: Date(),
            messageID: MessageID.make(carrier: "notice", carrierMessageID: notice.key, domain: MessageID.domain(of: from)),
            textBody: text.render(values),
            htmlBody: html.render(values),
            replyTo: replyTo,
            inReplyTo: notice.replyMessageID.contains("@") ? notice.replyMessageID : nil,
            autoSubmitted: "auto-replied")
    }

    static let subjectSource = """
        {{#sent}}Sent as a text to {{texter}}{{/sent}}{{^sent}}{{#undelivered}}Not delivered{{/undelivered}}{{^undelivered}}Not sent{{/undelivered}}: your text to {{texter}}{{/sent}}
        """

    static let textSource = """
        {{#sent}}Your reply was sent as a text message to {{texter}} from {{ourNumber}}.{{/sent}}{{^sent}}{{#undelivered}}Your reply to {{texter}} was sent, but the carrier says it did not reach the phone.{{/undelivered}}{{^undelivered}}Your reply to {{texter}} was not sent as a text message.{{/undelivered}}{{/sent}}

        {{reason}}
        {{#hasFirstLine}}

        Your text began: "{{firstLine}}"
        {{/hasFirstLine}}
        {{#canRetry}}

        Answer this email to try again.
        {{/canRetry}}

        """

    static let htmlSource = """
        <!DOCTYPE html>
        <html><body>
        <p>{{#sent}}Your reply was sent as a text message to {{texter}} from {{ourNumber}}.{{/sent}}{{^sent}}{{#undelivered}}Your reply to {{texter}} was sent, but the carrier says it did not reach the phone.{{/undelivered}}{{^undelivered}}Your reply to {{texter}} was not sent as a text message.{{/undelivered}}{{/sent}}</p>
        <p>{{reason}}</p>
        {{#hasFirstLine}}
        <p>Your text began: <q>{{firstLine}}</q></p>
        {{/hasFirstLine}}
        {{#canRetry}}
        <p>Answer this email to try again.</p>
        {{/canRetry}}
        </body></html>

        """
}
