import Foundation
import Outbox
import ReplyAddress
import SMSRelayCore
import SMSRelayLambdaApp

extension ReplyIntake {
    /// - Parameter store: the outbox, where ``take(_:recipient:envelopeSender:now:logger:)`` stores
    ///   replies and notices; ``check(_:recipient:envelopeSender:now:logger:)`` alone needs none.
    public init(settings: RelaySettings, secret: String, store: (any OutboxStore)?) throws {
        try self.init(settings: settings, secret: secret, replyStore: store.map(OutboxReplyStore.init))
    }
}

/// The outbox as the reply intake's store: `out` rows for replies, `notice` rows for notices.
struct OutboxReplyStore: ReplyStore {
    let outbox: any OutboxStore

    func storeReply(_ reply: OutboundReply, now: Date) async throws -> (id: Int64, isNew: Bool) {
        let result = try await outbox.enqueue(.reply(reply), now: now)
        return (result.id, result == .stored(id: result.id))
    }

    func storeNotice(_ notice: ReplyNotice, now: Date) async throws {
        _ = try await outbox.enqueue(.notice(notice), now: now)
    }

    func groupMembers(ourNumber: String, code: String) async throws -> [String]? {
        let ours = Conversation.participantKey(ourNumber)
        for key in try await outbox.conversationKeys(ourNumber: ours) where ReplyAddress.groupCode(conversationKey: key) == code {
            let members = key.dropFirst(ours.count + 1).split(separator: ",").map(String.init)
            return members.count > 1 ? members : nil
        }
        return nil
    }

    func close() async {
        await outbox.close()
    }
}
