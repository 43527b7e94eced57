import Foundation
import Logging
import SigV4

/// The one place a relay's AWS credentials come from: the first source of the chain that is
/// configured.
///
/// ``resolve(config:instanceMetadata:)`` looks, in order, for a key in the settings
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), a web identity
/// (`AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN`), the container endpoint
/// (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `…_FULL_URI`) and, last, the EC2 instance
/// metadata service unless `AWS_EC2_METADATA_DISABLED` is `true`. Choosing reads settings only:
/// it connects nowhere. ``provider(logger:now:)`` makes the provider the clients ask before
/// each request.
public enum AWSCredentialSource: Sendable, CustomStringConvertible {
    /// A key from the settings; it provides itself.
    case environment(AWSCredentials)
    case webIdentity(WebIdentitySettings)
    case container(ContainerEndpointSettings)
    case instanceMetadata(InstanceMetadataSettings)

    public var kind: AWSCredentialSourceKind {
        switch self {
        case .environment: .environment
        case .webIdentity: .webIdentity
        case .container: .container
        case .instanceMetadata: .instanceMetadata
        }
    }

    /// Where the credentials come from, for start-up lines and `config check`; never a secret.
    /// E.g. `web identity (role arn:aws:iam::123456789012:role/relay, STS https://sts.eu-west-1.amazonaws.com)`.
    public var description: String {
        switch self {
        case .environment(let credentials):
            "environment (access key \(credentials.maskedAccessKeyID)\(credentials.isTemporary ? " with a session token" : ""))"
        case .webIdentity(let settings):
            "web identity (role \(settings.roleARN), STS \(settings.endpoint.absoluteString))"
        case .container(let settings):
            "container endpoint (\(settings.origin))"
        case .instanceMetadata(let settings):
            "instance metadata (\(settings.endpoint.absoluteString))"
        }
    }

    /// The provider the AWS clients ask before each request: the key itself, or a cache of
    /// temporary credentials that fetches new ones before they expire.
    /// - Parameters:
    ///   - logger: where a refresh that failed while the credentials in hand still work is
    ///     reported (a warning); nothing secret is ever logged.
    ///   - now: the clock expiry is judged by.
    public func provider(logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) -> any AWSCredentialProvider {
        let fetcher: any CredentialFetcher
        switch self {
        case .environment(let credentials):
            return credentials
        case .webIdentity(let settings):
            fetcher = WebIdentityFetcher(settings: settings)
        case .container(let settings):
            fetcher = ContainerCredentialFetcher(settings: settings)
        case .instanceMetadata(let settings):
            fetcher = InstanceMetadataFetcher(settings: settings)
        }
        var logger = logger
        logger[metadataKey: "credential_source"] = "\(kind.rawValue)"
        return RefreshingCredentialProvider(fetcher: fetcher, description: description, logger: logger, now: now)
    }
}
