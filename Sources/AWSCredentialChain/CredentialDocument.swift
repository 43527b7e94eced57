import Foundation
import SigV4

/// The JSON the container endpoint and the instance metadata service answer with:
/// `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`, and from the metadata service a
/// `Code` that is `Success` when the rest is there. Errors may come as `code` and `message`.
struct CredentialDocument: Decodable {
    var Code: String?
    var Message: String?
    var AccessKeyId: String?
    var SecretAccessKey: String?
    var Token: String?
    var Expiration: String?
    var code: String?
    var message: String?

    static func decode(_ body: [UInt8]) -> CredentialDocument? {
        try? JSONDecoder().decode(CredentialDocument.self, from: Data(body))
    }

    /// The credentials, or an error saying what the answer lacked; `answer` names it in messages.
    func credentials(source: AWSCredentialSourceKind, answer: String) throws(AWSCredentialError) -> AWSCredentials {
        if let code = Code, code != "Success" {
            throw AWSCredentialError(.refused, source, "\(answer) says \(code)\(Message.map { ": \($0)" } ?? "")")
        }
        guard let keyID = AccessKeyId, !keyID.isEmpty, let secret = SecretAccessKey, !secret.isEmpty else {
            throw AWSCredentialError(.invalidAnswer, source, "\(answer) holds no AccessKeyId and SecretAccessKey")
        }
        var expiration: Date?
        if let text = Expiration {
            guard let date = AWSTimestamp.parse(text) else {
                throw AWSCredentialError(.invalidAnswer, source, "\(answer) has an Expiration that is not an ISO 8601 time: \(text.prefix(40))")
            }
            expiration = date
        }
        return AWSCredentials(
            accessKeyID: keyID, secretAccessKey: secret, sessionToken: Token.flatMap { $0.isEmpty ? nil : $0 }, expiration: expiration)
    }

    /// `401 (code: message)`, or the start of a body that is not such a document; never more than 200 characters.
    static func refusal(status: Int, body: [UInt8]) -> String {
        if let document = decode(body), let code = document.code ?? document.Code {
            let message = document.message ?? document.Message
            return "\(status) (\(code)\(message.map { ": \($0)" } ?? ""))".prefix(200).description
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "\(status)" : "\(status) (\(text))"
    }
}
