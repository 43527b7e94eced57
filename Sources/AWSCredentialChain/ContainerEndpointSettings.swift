import Foundation

/// The container credentials endpoint: ECS's agent, EKS Pod Identity, Lambda SnapStart.
public struct ContainerEndpointSettings: Sendable, Equatable {
    /// What goes in the `Authorization` header, if anything.
    public enum Authorization: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
        case none
        /// A token given in the settings; a secret.
        case token(String)
        /// A file holding the token, read again for every request (it rotates).
        case tokenFile(String, setting: String)

        public var description: String {
            switch self {
            case .none: "none"
            case .token: "token <redacted>"
            case .tokenFile(let path, _): "token file \(path)"
            }
        }

        public var customMirror: Mirror { Mirror(self, children: ["authorization": description]) }
    }

    public var url: URL
    public var authorization: Authorization
    /// How long one request may take.
    public var timeout: Duration

    public init(url: URL, authorization: Authorization = .none, timeout: Duration = .seconds(5)) {
        self.url = url
        self.authorization = authorization
        self.timeout = timeout
    }

    /// The endpoint's origin, `http://169.254.170.2`: what start-up lines show (the path is the task's own).
    public var origin: String {
        "\(url.scheme?.lowercased() ?? "http")://\(CredentialEndpoint.authority(url))"
    }

    /// Where ECS's agent answers, and `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is relative to.
    public static let ecsOrigin = "http://169.254.170.2"
}
