import SMSRelayCore

/// Where a reply to a relayed text goes: through which carrier, from which of our numbers, to
/// which texter, and whether the text went to a group.
///
/// Both numbers are E.164 digits without `+` (`12066418000`), at most 15 of them.
public struct ReplyAddress: Sendable, Hashable {
    /// The carrier the text came in through, which sends the reply.
    public var carrier: Carrier
    /// Our number, which received the text and sends the reply.
    public var ourNumber: String
    /// The texter's number, which the reply goes to.
    public var texterNumber: String
    /// Whether the text went to a group: the address then stands for the group's conversation,
    /// and the reply is not sent to the texter alone.
    public var isGroup: Bool

    public init(carrier: Carrier = .flowroute, ourNumber: String, texterNumber: String, isGroup: Bool = false) {
        self.carrier = carrier
        self.ourNumber = ourNumber
        self.texterNumber = texterNumber
        self.isGroup = isGroup
    }

    /// `+1 855 356 9768 (SMS)`: the texter's number as people read it, for the display name of
    /// the `Reply-To` address. North American numbers are grouped; others are `+` and the digits.
    public var displayName: String {
        PhoneNumberText.readable(texterNumber) + (isGroup ? " and the group (SMS)" : " (SMS)")
    }

    /// Whether `number` is 1 to 15 ASCII digits.
    static func isNumber(_ number: some StringProtocol) -> Bool {
        (1...15).contains(number.utf8.count) && number.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }
}
