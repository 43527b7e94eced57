import Crypto
import SMSRelayCore

/// Where a reply to a relayed text goes: through which carrier, from which of our numbers, to
/// which texter — or to which group.
///
/// Numbers are E.164 digits without `+` (`12066418000`), at most 15 of them.
public struct ReplyAddress: Sendable, Hashable {
    /// The carrier the text came in through, which sends the reply.
    public var carrier: Carrier
    /// Our number, which received the text and sends the reply.
    public var ourNumber: String
    /// The texter's number, which the reply goes to; for a group, the sender of the text the
    /// address was made for (it is not part of the address: a decoded group address has "").
    public var texterNumber: String
    /// For a text to a group, the group's code (``groupCode(conversationKey:)``): the reply goes
    /// to every member of the conversation whose key it is the code of. Nil for two numbers.
    public var groupCode: String?

    public init(carrier: Carrier = .flowroute, ourNumber: String, texterNumber: String, groupCode: String? = nil) {
        self.carrier = carrier
        self.ourNumber = ourNumber
        self.texterNumber = texterNumber
        self.groupCode = groupCode
    }

    /// Whether the address stands for a group.
    public var isGroup: Bool { groupCode != nil }

    /// The code of a group conversation, as its reply address carries it: the first 80 bits of
    /// the SHA-256 of its ``Conversation/key``, in lowercase base32 (16 characters).
    public static func groupCode(conversationKey: String) -> String {
        Base32.lowercase(Array(SHA256.hash(data: Array(conversationKey.utf8)).prefix(10)))
    }

    /// Whether `text` is shaped like a group code.
    static func isGroupCode(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 16 && Base32.decodeLowercase(String(text))?.count == 10
    }

    /// `+1 855 356 9768 (SMS)`: the texter's number as people read it, for the display name of
    /// the `Reply-To` address. North American numbers are grouped; others are `+` and the digits.
    public var displayName: String {
        isGroup ? "The group (SMS)" : PhoneNumberText.readable(texterNumber) + " (SMS)"
    }

    /// Whether `number` is 1 to 15 ASCII digits.
    static func isNumber(_ number: some StringProtocol) -> Bool {
        (1...15).contains(number.utf8.count) && number.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }
}
