import AsyncHTTPClient
import Foundation
import SigV4

/// The instance profile's credentials from the EC2 instance metadata service, IMDSv2: a session
/// token (`PUT /latest/api/token`), the role's name, then its credentials, each with the token.
struct InstanceMetadataFetcher: CredentialFetcher {
    let settings: InstanceMetadataSettings
    var kind: AWSCredentialSourceKind { .instanceMetadata }

    private static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    func fetch() async throws(AWSCredentialError) -> AWSCredentials {
        var tokenRequest = HTTPClientRequest(url: url("/latest/api/token"))
        tokenRequest.method = .PUT
        tokenRequest.headers.add(name: "X-aws-ec2-metadata-token-ttl-seconds", value: "\(InstanceMetadataSettings.tokenTTL)")
        let token = try await text(tokenRequest, what: "its session token (IMDSv2)")
        guard CredentialEndpoint.isHeaderValue(token) else {
            throw AWSCredentialError(.invalidAnswer, .instanceMetadata, "\(service) answered a session token that is not a header value")
        }

        var roleRequest = HTTPClientRequest(url: url(Self.credentialsPath))
        roleRequest.headers.add(name: "X-aws-ec2-metadata-token", value: token)
        let roles = try await text(roleRequest, what: "the instance profile's role", notFound: "no IAM role is attached to this instance")
        guard let role = roles.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty,
              !role.contains("/"), CredentialEndpoint.isHeaderValue(role)
        else {
            throw AWSCredentialError(.invalidAnswer, .instanceMetadata, "\(service) named no usable instance profile role")
        }

        var credentialsRequest = HTTPClientRequest(url: url(Self.credentialsPath + FormEncoding.escape(role)))
        credentialsRequest.headers.add(name: "X-aws-ec2-metadata-token", value: token)
        credentialsRequest.headers.add(name: "Accept", value: "application/json")
        let (status, body) = try await exchange(credentialsRequest, what: "the credentials of role \(role)")
        guard (200..<300).contains(status) else {
            throw AWSCredentialError(
                .refused, .instanceMetadata, "\(service) answered \(CredentialDocument.refusal(status: status, body: body)) for the credentials of role \(role)")
        }
        guard let document = CredentialDocument.decode(body) else {
            throw AWSCredentialError(.invalidAnswer, .instanceMetadata, "the credentials of role \(role) from \(service) are not a JSON document")
        }
        return try document.credentials(source: .instanceMetadata, answer: "the credentials of role \(role) from \(service)")
    }

    private var service: String { "the metadata service at \(settings.endpoint.absoluteString)" }

    private func url(_ path: String) -> String {
        var base = settings.endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    private func exchange(_ request: HTTPClientRequest, what: String) async throws(AWSCredentialError) -> (status: Int, body: [UInt8]) {
        try await CredentialHTTP.exchange(
            request, client: CredentialHTTP.local, timeout: settings.timeout, source: .instanceMetadata,
            what: "\(service) (asked for \(what); is this an EC2 instance? \(settings.disabledSetting)=true skips it)")
    }

    /// A 2xx answer's text, trimmed.
    private func text(_ request: HTTPClientRequest, what: String, notFound: String? = nil) async throws(AWSCredentialError) -> String {
        let (status, body) = try await exchange(request, what: what)
        if status == 404, let notFound {
            throw AWSCredentialError(.refused, .instanceMetadata, "\(service) answered 404 for \(what): \(notFound)")
        }
        guard (200..<300).contains(status) else {
            let hint = status == 403 || status == 405 ? "; the instance may have IMDSv2 turned off, or a hop limit too low for a container" : ""
            throw AWSCredentialError(
                .refused, .instanceMetadata, "\(service) answered \(CredentialDocument.refusal(status: status, body: body)) when asked for \(what)\(hint)")
        }
        return String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
