/// Why no AWS credentials could be had from a source, and what to check.
///
/// Each message names the source and what failed (`web identity: STS refused
/// AssumeRoleWithWebIdentity …`); none contains a secret, a session token or a web identity token.
public struct AWSCredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// A setting is wrong or incomplete: found at start-up.
        case invalidSetting
        /// A token file could not be read.
        case unreadableToken
        /// The source could not be reached, or did not answer in time.
        case unreachable
        /// The source answered with a refusal (an HTTP error status, an STS error).
        case refused
        /// The source answered something that holds no credentials.
        case invalidAnswer
        /// The source handed out credentials that have already expired.
        case expired
    }

    public let code: Code
    /// The source that failed.
    public let source: AWSCredentialSourceKind
    /// What failed and what to check, starting with the source.
    public let message: String

    init(_ code: Code, _ source: AWSCredentialSourceKind, _ message: String) {
        self.code = code
        self.source = source
        self.message = "\(source.rawValue): \(message)"
    }

    public var description: String { message }
}

/// The places AWS credentials come from, in the order they are looked for.
public enum AWSCredentialSourceKind: String, Sendable, Equatable, CaseIterable {
    /// A key in the settings (`AWS_ACCESS_KEY_ID`, …): on Lambda, the function's role.
    case environment = "environment"
    /// A web identity token exchanged with STS (EKS service accounts, IRSA).
    case webIdentity = "web identity"
    /// The container credentials endpoint (ECS tasks, EKS Pod Identity, Lambda SnapStart).
    case container = "container endpoint"
    /// The EC2 instance metadata service, IMDSv2.
    case instanceMetadata = "instance metadata"
}
