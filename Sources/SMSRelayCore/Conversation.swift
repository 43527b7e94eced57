/// The texts between one of our numbers and the people on the other side: one texter, or the
/// participants of a group. Every email of a conversation threads with the others.
public struct Conversation: Sendable, Hashable {
    /// Our number, as its key reads it (``participantKey(_:)``).
    public let ourNumber: String
    /// The other side, each as its key reads it, sorted and without repeats: the order in which a
    /// carrier lists a group's members does not make another conversation.
    public let participants: [String]

    public init(ourNumber: String, participants: [String]) {
        self.ourNumber = Self.participantKey(ourNumber)
        self.participants = Array(Set(participants.map(Self.participantKey))).sorted()
    }

    /// The conversation of an inbound text: our number that received it, its sender and, for a
    /// group message, the group's other members.
    public init(_ message: InboundMessage) {
        self.init(ourNumber: message.to, participants: [message.from] + (message.groupRecipients ?? []))
    }

    /// `<our number>:<participant>[,<participant>…]`: the same for every text of the conversation,
    /// different for any other; the outbox counts a conversation's texts under it.
    public var key: String {
        ourNumber + ":" + participants.joined(separator: ",")
    }

    /// A number as conversations compare it: its digits when it is a phone number written with
    /// or without `+`, spaces, dashes, dots or parentheses (`+1 (206) 641-8000` is `12066418000`);
    /// anything else (an alphanumeric sender id) lower-cased, without surrounding blanks, with
    /// `:` and `,` (the key's separators) as `_`. Reading a key again gives the same key.
    public static func participantKey(_ number: String) -> String {
        let trimmed = number.trimmingBlanks()
        let isPhoneNumber = trimmed.contains(where: \.isNumber)
            && trimmed.allSatisfy { ($0.isASCII && $0.isNumber) || "+ -.()".contains($0) }
        if isPhoneNumber { return RoutingTable.normalize(trimmed) }
        return String(trimmed.lowercased().map { $0 == ":" || $0 == "," ? "_" : $0 })
    }
}
