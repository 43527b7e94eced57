import Foundation
import SMSRelayCore

/// Where ``ReplyIntake`` keeps an accepted reply and the notice of a refused one: the outbox, on a
/// server (SMSRelayApp). The Lambda function only checks replies and sends them at once.
public protocol ReplyStore: Sendable {
    /// Stores a reply, once per reply Message-ID: its row and whether it is new.
    func storeReply(_ reply: OutboundReply, now: Date) async throws -> (id: Int64, isNew: Bool)
    /// Stores the notice to a person whose reply was refused for its content.
    func storeNotice(_ notice: ReplyNotice, now: Date) async throws
    /// The members of the group conversation of `ourNumber` whose code is `code`
    /// (``ReplyAddress/groupCode(conversationKey:)``), our number left out; nil when the store
    /// knows no such group.
    func groupMembers(ourNumber: String, code: String) async throws -> [String]?
    /// Closes the store's connections.
    func close() async
}
