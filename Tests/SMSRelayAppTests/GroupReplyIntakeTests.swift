import Foundation
import Logging
import MailRender
import Outbox
import ReplyAddress
@testable import SMSRelayApp
@testable import SMSRelayLambdaApp
import SMSRelayCore
import Testing
import TestSupport

/// Replies to group texts at the intake: the members come from the outbox's conversations; a
/// group the outbox does not know, a carrier without a group send, or the Lambda function's
/// check (no outbox) refuse the reply with a notice to the replier.
@Suite("Reply intake: replies to group texts")
struct GroupReplyIntakeTests {
    static let members = ["12065550100", "12065550177", "18553569768"]
    static let key = "12066418000:" + members.joined(separator: ",")

    static func address(_ carrier: Carrier, key: String = key) -> String {
        ReplyIntakeTests.codec.address(for: ReplyAddress(
            carrier: carrier, ourNumber: "12066418000", texterNumber: "18553569768", groupCode: ReplyAddress.groupCode(conversationKey: key)))!
    }

    /// A group text stored in the outbox, so that its conversation is known.
    static func storeGroupText(_ store: SQLiteOutboxStore) async throws {
        let message = InboundMessage(
            carrier: "telnyx", id: "g-1", from: "+18553569768", to: "+12066418000", body: "Dinner?", receivedAt: Date(),
            groupRecipients: ["+12065550100", "+12065550177"])
        _ = try await store.enqueue(message, now: Date())
    }

    @Test("a reply to a known group is stored for every member, the first as its recipient")
    func known() async throws {
        try await ReplyIntakeTests().withIntake(["SMSRELAY_CARRIERS": "flowroute,telnyx", "SMSRELAY_TELNYX_API_KEY": "KEY0", "SMSRELAY_TELNYX_PUBLIC_KEY": Data(count: 32).base64EncodedString()]) { setup in
            try await Self.storeGroupText(setup.store)
            let accepted = try await ReplyIntakeTests().accept(setup, ReplyIntakeTests.email(to: Self.address(.telnyx)))
            let reply = try #require(try await setup.store.entry(id: accepted.id)?.reply)
            #expect(reply.carrier == "telnyx")
            #expect(reply.recipients == Self.members)
        }
    }

    @Test("an unknown group, or a carrier without a group send, is refused with a notice that has no reply address")
    func refused() async throws {
        try await ReplyIntakeTests().withIntake { setup in
            try await Self.storeGroupText(setup.store)
            let unknown = try #require(await ReplyIntakeTests().refusal(
                setup, ReplyIntakeTests.email(to: Self.address(.telnyx, key: "12066418000:1,2"), messageID: "<u@x>")))
            #expect(unknown.kind == .content)
            #expect(unknown.message.contains("not known"))
            #expect(unknown.notice?.isGroup == true)
            let rendered = try NoticeRenderer().render(try #require(unknown.notice), sender: "sms@example.com", replyTo: nil)
            #expect(rendered.subject.contains("to the group"), "\(rendered.subject)")
            let twilio = try #require(await ReplyIntakeTests().refusal(setup, ReplyIntakeTests.email(to: Self.address(.twilio), messageID: "<t@x>")))
            #expect(twilio.message.contains("Twilio cannot send a text to a group"))
            // Both notices are stored; nothing is to be sent as an SMS.
            let rows = try await setup.store.list([.reply, .notice], status: nil, limit: 10)
            #expect(rows.filter { $0.item.kind == .reply }.isEmpty)
            #expect(rows.filter { $0.item.kind == .notice }.count == 2)
        }
    }

    @Test("the Lambda function's check refuses a reply to a group: it has no outbox to find the members in")
    func lambda() async throws {
        try await ReplyIntakeTests().withIntake { setup in
            #expect(throws: ReplyRefusal.self) {
                try setup.intake.check(ReplyIntakeTests.email(to: Self.address(.bandwidth)), recipient: nil, envelopeSender: nil, logger: Logger(label: "t"))
            }
        }
    }
}
