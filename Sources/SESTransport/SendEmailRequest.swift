import Foundation
import MailKit

/// The JSON body of SES v2 `SendEmail` (`POST /v2/email/outbound-emails`) for a raw message:
///
/// ```json
/// {"Content": {"Raw": {"Data": "<base64>"}}, "Destination": {"ToAddresses": ["…"]},
///  "FromEmailAddress": "…", "ConfigurationSetName": "…"}
/// ```
///
/// The message is sent as MailKit renders it, so the mail that arrives is byte for byte the one
/// every other transport delivers.
struct SendEmailRequest: Encodable, Equatable {
    /// The whole RFC 5322 message (encoded as base64).
    var rawMessage: [UInt8]
    /// Bare addresses (`ann@example.com`); display names stay in the message's own `To` header.
    var toAddresses: [String]
    var fromEmailAddress: String
    var configurationSetName: String?

    init(email: Email, configurationSetName: String?) {
        rawMessage = MIMEWriter.render(email)
        toAddresses = email.to.map(\.address)
        fromEmailAddress = email.from.address
        self.configurationSetName = configurationSetName
    }

    private enum Keys: String, CodingKey {
        case content = "Content", raw = "Raw", data = "Data"
        case destination = "Destination", toAddresses = "ToAddresses"
        case fromEmailAddress = "FromEmailAddress", configurationSetName = "ConfigurationSetName"
    }

    func encode(to encoder: any Encoder) throws {
        var top = encoder.container(keyedBy: Keys.self)
        var content = top.nestedContainer(keyedBy: Keys.self, forKey: .content)
        var raw = content.nestedContainer(keyedBy: Keys.self, forKey: .raw)
        try raw.encode(Data(rawMessage).base64EncodedString(), forKey: .data)
        var destination = top.nestedContainer(keyedBy: Keys.self, forKey: .destination)
        try destination.encode(toAddresses, forKey: .toAddresses)
        try top.encode(fromEmailAddress, forKey: .fromEmailAddress)
        try top.encodeIfPresent(configurationSetName, forKey: .configurationSetName)
    }

    /// The body to send: compact JSON with sorted keys, so the same email gives the same bytes.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}

/// The part of SES's `SendEmail` answer that matters: `{"MessageId": "…"}`.
struct SendEmailResponse: Decodable, Equatable {
    var messageID: String?

    private enum CodingKeys: String, CodingKey {
        case messageID = "MessageId"
    }
}
