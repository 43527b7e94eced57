import Foundation
import MailKit
import MailRender
import SMSRelayCore
import Testing
import TestSupport

@Suite("Reply-To, In-Reply-To and Auto-Submitted in written emails; the notice to a replier")
struct ReplyHeaderTests {
    @Test("Reply-To, In-Reply-To, References and Auto-Submitted are written, and a hostile value starts no header")
    func headersWritten() throws {
        var email = MIMETestSupport.email()
        email.replyTo = Mailbox(displayName: "+1 855 356 9768 (SMS)", address: "sms1-1-2-abc@sms.example.com")
        email.inReplyTo = "reply-1@mail.example.com\r\nBcc: victim@example.net"
        email.autoSubmitted = "auto-replied\r\nX-Evil: 1"
        let bytes = MIMEWriter.render(email)
        let headers = MIMETestSupport.headers(bytes)
        #expect(headers.first { $0.name == "Reply-To" }?.value == "\"+1 855 356 9768 (SMS)\" <sms1-1-2-abc@sms.example.com>")
        let inReplyTo = try #require(headers.first { $0.name == "In-Reply-To" }?.value)
        #expect(inReplyTo.hasPrefix("<reply-1@mail.example.com"))
        #expect(headers.contains { $0.name == "References" })
        #expect(!headers.contains { $0.name == "Bcc" || $0.name == "X-Evil" })
        // A value that is not a keyword is not written at all.
        #expect(!headers.contains { $0.name == "Auto-Submitted" })
        email.autoSubmitted = "auto-replied"
        #expect(MIMETestSupport.headers(MIMEWriter.render(email)).contains { $0.name == "Auto-Submitted" && $0.value == "auto-replied" })
    }

    static let notice = ReplyNotice(
        kind: .notSent, replier: "ann@example.com", ourNumber: "12066418000", texterNumber: "18553569768",
        firstLine: "<script>alert(1)</script> & \"you\"", reason: "Flowroute said <b>no</b>.",
        replyMessageID: "reply-1@mail.example.com", subject: "Re: Text", key: "not-sent:7:1")

    @Test("a notice answers the reply, escapes what came from the reply and the carrier, and reads the same in Python")
    func noticeEmail() async throws {
        let email = try NoticeRenderer().render(
            Self.notice, sender: "SMS <sms@relay.example.com>", replyTo: Mailbox(address: "sms1-x@sms.example.com"))
        #expect(email.to == [Mailbox(address: "ann@example.com")])
        #expect(email.from.address == "sms@relay.example.com")
        #expect(email.subject == "Not sent: your text to +1 855-356-9768")
        #expect(email.inReplyTo == "reply-1@mail.example.com")
        #expect(email.autoSubmitted == "auto-replied")
        #expect(email.htmlBody.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;you&quot;"))
        #expect(!email.htmlBody.contains("<script>") && !email.htmlBody.contains("<b>no</b>"))
        #expect(email.textBody.contains("Your text began: \"<script>alert(1)</script> & \"you\"\""))
        #expect(email.textBody.contains("Answer this email to try again."))

        let parsed = try await MIMETree.parse(MIMEWriter.render(email))
        #expect(parsed.allDefects.isEmpty)
        #expect(parsed.headers?["In-Reply-To"] == "<reply-1@mail.example.com>")
        #expect(parsed.headers?["Auto-Submitted"] == "auto-replied")
        #expect(parsed.headers?["Reply-To"] == "sms1-x@sms.example.com")
        #expect(parsed.allParts.first { $0.type == "text/plain" }?.text?.contains("Flowroute said <b>no</b>.") == true)
    }

    @Test("each kind of notice says what happened, and a confirmation invites no retry")
    func noticeKinds() throws {
        let renderer = try NoticeRenderer()
        var notice = Self.notice
        notice.kind = .undelivered
        #expect(try renderer.render(notice, sender: "sms@relay.example.com", replyTo: nil).subject.hasPrefix("Not delivered"))
        notice.kind = .sent
        let sent = try renderer.render(notice, sender: "sms@relay.example.com", replyTo: Mailbox(address: "a@sms.example.com"))
        #expect(sent.subject == "Sent as a text to +1 855-356-9768")
        #expect(!sent.textBody.contains("try again"))
        notice.kind = .refused
        #expect(try renderer.render(notice, sender: "sms@relay.example.com", replyTo: nil).subject.hasPrefix("Not sent"))
        notice.replier = "not an address"
        #expect(throws: MailKitError.self) { try renderer.render(notice, sender: "sms@relay.example.com", replyTo: nil) }
    }
}
