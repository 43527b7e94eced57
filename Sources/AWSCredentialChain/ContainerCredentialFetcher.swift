import AsyncHTTPClient
import Foundation
import SigV4

/// `GET` the container credentials endpoint, with its `Authorization` token when there is one
/// (from its file, read again for every request: EKS Pod Identity rotates it).
struct ContainerCredentialFetcher: CredentialFetcher {
    let settings: ContainerEndpointSettings
    var kind: AWSCredentialSourceKind { .container }

    func fetch() async throws(AWSCredentialError) -> AWSCredentials {
        var request = HTTPClientRequest(url: settings.url.absoluteString)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        switch settings.authorization {
        case .none:
            break
        case .token(let token):
            request.headers.add(name: "Authorization", value: token)
        case .tokenFile(let path, let setting):
            let token = try TokenFile.read(path, setting: setting, source: .container)
            guard CredentialEndpoint.isHeaderValue(token) else {
                throw AWSCredentialError(.unreadableToken, .container, "the token in \(setting)=\(path) holds characters a header cannot carry")
            }
            request.headers.add(name: "Authorization", value: token)
        }
        let what = settings.origin
        let (status, body) = try await CredentialHTTP.exchange(
            request, client: CredentialHTTP.local, timeout: settings.timeout, source: .container, what: what)
        guard (200..<300).contains(status) else {
            let hint = status == 401 || status == 403 ? "; check the authorization token settings" : ""
            throw AWSCredentialError(.refused, .container, "\(what) answered \(CredentialDocument.refusal(status: status, body: body))\(hint)")
        }
        guard let document = CredentialDocument.decode(body) else {
            throw AWSCredentialError(.invalidAnswer, .container, "the answer of \(what) is not a JSON credentials document")
        }
        return try document.credentials(source: .container, answer: "the answer of \(what)")
    }
}
