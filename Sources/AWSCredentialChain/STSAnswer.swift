import Foundation
import SigV4

/// What STS's Query API answers, read without an XML parser: its documents are flat and their
/// element names fixed.
///
/// Success: `<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>`
/// `<AccessKeyId>…<SecretAccessKey>…<SessionToken>…<Expiration>…`. Failure:
/// `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>…`.
enum STSAnswer {
    static func credentials(in text: String, from what: String) throws(AWSCredentialError) -> AWSCredentials {
        guard let result = element("AssumeRoleWithWebIdentityResult", in: Substring(text)),
              let credentials = element("Credentials", in: result),
              let keyID = element("AccessKeyId", in: credentials).map(unescape), !keyID.isEmpty,
              let secret = element("SecretAccessKey", in: credentials).map(unescape), !secret.isEmpty,
              let token = element("SessionToken", in: credentials).map(unescape), !token.isEmpty
        else {
            throw AWSCredentialError(.invalidAnswer, .webIdentity, "the answer of \(what) holds no AssumeRoleWithWebIdentityResult credentials")
        }
        guard let expirationText = element("Expiration", in: credentials).map(unescape), let expiration = AWSTimestamp.parse(expirationText) else {
            throw AWSCredentialError(.invalidAnswer, .webIdentity, "the credentials from \(what) have no Expiration that is an ISO 8601 time")
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }

    /// STS's refusal, with its code and words and what to check for the common ones.
    static func refusal(status: Int, text: String, role: String) -> AWSCredentialError {
        let error = element("Error", in: Substring(text))
        let code = error.flatMap { element("Code", in: $0) }.map(unescape)
        let message = error.flatMap { element("Message", in: $0) }.map(unescape)
        let said = [code, message].compactMap { $0 }.joined(separator: ": ")
        let hint: String
        switch code {
        case "AccessDenied":
            hint = "; check that the role's trust policy allows sts:AssumeRoleWithWebIdentity for this service account's OIDC provider"
        case "InvalidIdentityToken", "ExpiredTokenException":
            hint = "; check the token file and that the cluster's OIDC provider is registered in IAM"
        case "IDPCommunicationError", "IDPRejectedClaim":
            hint = "; STS could not check the token with the identity provider"
        default:
            hint = ""
        }
        return AWSCredentialError(
            .refused, .webIdentity,
            "STS refused AssumeRoleWithWebIdentity for \(role) with HTTP \(status)\(said.isEmpty ? "" : " (\(said.prefix(300)))")\(hint)")
    }

    /// The text between the first `<name>` (or `<name …>`) and its `</name>`.
    static func element(_ name: String, in text: Substring) -> Substring? {
        var rest = text
        while let open = rest.range(of: "<\(name)") {
            let after = rest[open.upperBound...]
            guard let first = after.first else { return nil }
            if first == ">" || first == " " || first == "\n" || first == "\t" || first == "\r" {
                guard let end = after.firstIndex(of: ">") else { return nil }
                let content = after[after.index(after: end)...]
                guard let close = content.range(of: "</\(name)>") else { return nil }
                return content[..<close.lowerBound]
            }
            rest = after
        }
        return nil
    }

    static func unescape(_ text: Substring) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
