import Foundation
import SigV4

/// Where the DynamoDB client sends its requests, and as whom.
public struct DynamoDBConfiguration: Sendable {
    /// Where each request's credentials come from: fixed ``AWSCredentials`` provide themselves.
    public var credentials: any AWSCredentialProvider
    /// The region requests are signed for, e.g. `us-east-1`.
    public var region: String
    /// Where requests go: `https://dynamodb.<region>.amazonaws.com` unless overridden (a VPC
    /// endpoint, a local emulator).
    public var endpoint: URL
    /// How long one request may take, connection included.
    public var requestTimeout: Duration

    public init(
        credentials: any AWSCredentialProvider, region: String, endpoint: URL? = nil, requestTimeout: Duration = .seconds(5)
    ) {
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint ?? Self.defaultEndpoint(region: region)
        self.requestTimeout = requestTimeout
    }

    /// `https://dynamodb.<region>.amazonaws.com`, the DynamoDB endpoint of a region.
    public static func defaultEndpoint(region: String) -> URL {
        URL(string: "https://dynamodb.\(region).amazonaws.com")!
    }

    /// `host` or `host:port` when the port is not the scheme's default: what goes in `Host`.
    var hostHeader: String {
        var host = endpoint.host ?? ""
        if host.contains(":") { host = "[\(host)]" }
        let scheme = endpoint.scheme?.lowercased()
        if let port = endpoint.port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) {
            host += ":\(port)"
        }
        return host
    }

    /// The URL requests are posted to, and the path that is signed.
    var target: (url: String, path: String) {
        var path = endpoint.path
        if path.isEmpty { path = "/" }
        return ("\(endpoint.scheme?.lowercased() ?? "https")://\(hostHeader)\(path)", path)
    }
}

extension DynamoDBConfiguration: CustomStringConvertible {
    /// The settings with the credentials redacted, safe to log.
    public var description: String {
        "DynamoDBConfiguration(region: \(region), endpoint: \(endpoint.absoluteString), credentials: \(credentials))"
    }
}
