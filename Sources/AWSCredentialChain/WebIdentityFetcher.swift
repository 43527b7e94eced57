import AsyncHTTPClient
import Foundation
import NIOCore
import SigV4

/// STS `AssumeRoleWithWebIdentity`: the token from its file (read again each time: the cluster
/// rotates it) for the role's temporary credentials. The request is not signed; the token is
/// the proof.
struct WebIdentityFetcher: CredentialFetcher {
    let settings: WebIdentitySettings
    var kind: AWSCredentialSourceKind { .webIdentity }

    func fetch() async throws(AWSCredentialError) -> AWSCredentials {
        let token = try TokenFile.read(settings.tokenFile, setting: settings.tokenFileSetting, source: .webIdentity)
        var request = HTTPClientRequest(url: settings.endpoint.path.isEmpty ? settings.endpoint.absoluteString + "/" : settings.endpoint.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")
        request.headers.add(name: "Accept", value: "text/xml")
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode([
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", settings.roleARN),
            ("RoleSessionName", settings.sessionName),
            ("WebIdentityToken", token),
        ])))
        let what = "STS at \(settings.endpoint.absoluteString)"
        let (status, body) = try await CredentialHTTP.exchange(
            request, client: CredentialHTTP.sts, timeout: settings.timeout, source: .webIdentity, what: what)
        let text = String(decoding: body, as: UTF8.self)
        guard (200..<300).contains(status) else {
            throw STSAnswer.refusal(status: status, text: text, role: settings.roleARN)
        }
        return try STSAnswer.credentials(in: text, from: what)
    }
}

/// `application/x-www-form-urlencoded`, every byte but RFC 3986's unreserved ones `%XX`.
enum FormEncoding {
    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        URIEncoding.encode(text)
    }
}
