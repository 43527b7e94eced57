import Outbox
import SMSRelayCore

extension OutboxItem {
    /// The conversation the row belongs to: one of our numbers and one texter's, whichever way
    /// the row goes (``Conversation/key``, as the outbox counts texts by). Texts in, replies out and the notices about them share it, so the worker
    /// sends them one at a time, in outbox order.
    var conversation: String {
        switch self {
        case .inbound(let message): Self.conversation(ours: message.to, texter: message.from)
        case .reply(let reply): Self.conversation(ours: reply.from, texter: reply.to)
        case .notice(let notice): Self.conversation(ours: notice.ourNumber, texter: notice.texterNumber)
        }
    }

    private static func conversation(ours: String, texter: String) -> String {
        Conversation(ourNumber: ours, participants: [texter]).key
    }
}
