import Foundation
import MailKit

/// Which thread of its conversation an email goes in.
///
/// Every email of a conversation names the thread's root Message-ID
/// (``MessageID/conversationRoot(conversation:segment:domain:)``) in `References` and
/// `In-Reply-To`. Gmail shows at most 100 emails in one thread, so a conversation moves to a new
/// root every ``messagesPerThread`` texts when the outbox counts them (``position(_:)``); where
/// nothing counts them (the Lambda function), to a new root every calendar month (``month(of:)``).
public struct ConversationThread: Sendable, Equatable, CustomStringConvertible {
    /// What tells the thread apart from the conversation's others: `1`, `2`, … or `2026-11`.
    public let segment: String

    /// Gmail's limit: the texts of one conversation in one thread.
    public static let messagesPerThread = 100

    /// The thread of the conversation's `position`-th text (counting from 1, as the outbox does):
    /// texts 1 to 100 are in thread `1`, 101 to 200 in thread `2`, and so on.
    public static func position(_ position: Int) -> ConversationThread {
        ConversationThread(segment: String((max(position, 1) - 1) / messagesPerThread + 1))
    }

    /// The thread of a text the carrier received at `date`, when nothing counts the conversation's
    /// texts: one per calendar month in UTC, `m2026-11`. The same text always gets the same one,
    /// however often a callback is retried.
    public static func month(of date: Date) -> ConversationThread {
        let time = UTCTime(date)
        return ConversationThread(segment: "m\(time.year)-\(time.month < 10 ? "0" : "")\(time.month)")
    }

    public var description: String { segment }
}
