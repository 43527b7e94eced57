import Foundation

/// A role to assume with a web identity token, as EKS gives a pod's service account (IRSA).
public struct WebIdentitySettings: Sendable, Equatable {
    /// The file holding the token; read again at every refresh, as the cluster rotates it.
    public var tokenFile: String
    public var roleARN: String
    public var sessionName: String
    /// Where `AssumeRoleWithWebIdentity` goes: the region's STS endpoint unless overridden.
    public var endpoint: URL
    /// How long one STS request may take.
    public var timeout: Duration
    /// The setting that names ``tokenFile``, for messages.
    public var tokenFileSetting: String

    public init(
        tokenFile: String, roleARN: String, sessionName: String, endpoint: URL, timeout: Duration = .seconds(10),
        tokenFileSetting: String = "the web identity token file"
    ) {
        self.tokenFile = tokenFile
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.endpoint = endpoint
        self.timeout = timeout
        self.tokenFileSetting = tokenFileSetting
    }

    /// `https://sts.<region>.amazonaws.com` (`.amazonaws.com.cn` in China), or the global endpoint without a region.
    public static func defaultEndpoint(region: String?) -> URL {
        guard let region else { return URL(string: "https://sts.amazonaws.com")! }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return URL(string: "https://sts.\(region).\(suffix)")!
    }

    /// A session name of the characters STS allows, `[\w+=,.@-]`, 2 to 64 of them.
    static func isSessionName(_ name: String) -> Bool {
        (2...64).contains(name.utf8.count) && name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_+=,.@-".unicodeScalars.contains($0))
        }
    }
}
