import Foundation
import SigV4

/// Where the S3 client sends its requests, and as whom.
public struct S3Configuration: Sendable {
    /// Where each request's credentials come from: fixed ``AWSCredentials`` provide themselves.
    public var credentials: any AWSCredentialProvider
    public var region: String
    /// An endpoint override (a local emulator, a VPC endpoint), addressed path-style:
    /// `<endpoint>/<bucket>/<key>`. Without one, buckets are addressed virtual-hosted-style at
    /// `https://<bucket>.s3.<region>.amazonaws.com/<key>`.
    public var endpoint: URL?
    /// How long one request may take.
    public var requestTimeout: Duration

    public init(credentials: any AWSCredentialProvider, region: String, endpoint: URL? = nil, requestTimeout: Duration = .seconds(20)) {
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
        self.requestTimeout = requestTimeout
    }

    /// The URL parts of an object: the origin (`scheme://host[:port]`), the `Host` header and
    /// the path as sent, each segment of the key percent-encoded.
    func address(bucket: String, key: String) -> (origin: String, host: String, path: String) {
        let encodedKey = key.split(separator: "/", omittingEmptySubsequences: false).map { Self.encode(String($0)) }.joined(separator: "/")
        if let endpoint {
            var host = endpoint.host ?? "localhost"
            if let port = endpoint.port { host += ":\(port)" }
            var base = endpoint.path
            while base.hasSuffix("/") { base.removeLast() }
            return ("\(endpoint.scheme ?? "https")://\(host)", host, "\(base)/\(Self.encode(bucket))/\(encodedKey)")
        }
        let host = "\(bucket).s3.\(region).amazonaws.com"
        return ("https://\(host)", host, "/\(encodedKey)")
    }

    /// RFC 3986 unreserved characters kept, every other byte `%XX`.
    static func encode(_ segment: String) -> String {
        URIEncoding.encode(segment)
    }
}
