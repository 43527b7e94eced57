import Foundation
import SigV4

/// Everything the SES transport needs: credentials, region, endpoint and an optional configuration set.
///
/// ``init(environment:)`` reads the variables Lambda provides, so the same settings work on
/// Lambda, on a server with a key in its environment, and against a local emulator:
///
/// | variable | meaning |
/// |---|---|
/// | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` | the key that signs requests (required) |
/// | `AWS_SESSION_TOKEN` | the token of temporary credentials (Lambda roles, STS) |
/// | `SMSRELAY_SES_REGION`, else `AWS_REGION`, else `AWS_DEFAULT_REGION` | the SES region (required) |
/// | `SMSRELAY_SES_ENDPOINT` | another endpoint: a VPC endpoint, or an emulator in tests |
/// | `SMSRELAY_SES_CONFIGURATION_SET` | the configuration set named in every `SendEmail` |
public struct SESConfiguration: Sendable {
    /// The environment variables ``init(environment:)`` reads.
    public enum EnvironmentKey {
        public static let accessKeyID = "AWS_ACCESS_KEY_ID"
        public static let secretAccessKey = "AWS_SECRET_ACCESS_KEY"
        public static let sessionToken = "AWS_SESSION_TOKEN"
        /// In order of precedence.
        public static let regions = ["SMSRELAY_SES_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"]
        public static let endpoint = "SMSRELAY_SES_ENDPOINT"
        public static let configurationSet = "SMSRELAY_SES_CONFIGURATION_SET"
    }

    public var credentials: AWSCredentials
    /// The region requests are signed for, e.g. `us-east-1`.
    public var region: String
    /// Where requests go: `https://email.<region>.amazonaws.com` unless overridden.
    public var endpoint: URL
    /// The configuration set to send with (event publishing, dedicated IPs); `nil` for none.
    public var configurationSetName: String?
    /// How long one `SendEmail` call may take, connection included, before it counts as a transient failure.
    public var requestTimeout: Duration

    /// Settings given directly. `endpoint` defaults to the region's public SES endpoint.
    ///
    /// - Throws: ``SESConfigurationError`` when the region is not a region name or the endpoint is not an http(s) URL.
    public init(
        credentials: AWSCredentials,
        region: String,
        endpoint: URL? = nil,
        configurationSetName: String? = nil,
        requestTimeout: Duration = .seconds(30)
    ) throws {
        guard Self.isRegionName(region) else { throw SESConfigurationError.invalidRegion(region, from: "region") }
        self.credentials = credentials
        self.region = region
        self.endpoint = try endpoint.map { try Self.validated(endpoint: $0.absoluteString) } ?? Self.defaultEndpoint(region: region)
        self.configurationSetName = configurationSetName
        self.requestTimeout = requestTimeout
    }

    /// Reads the settings from environment variables (see the table above); empty values count as unset.
    ///
    /// - Throws: ``SESConfigurationError`` naming the variables to set or fix.
    public init(environment: [String: String]) throws {
        func value(_ key: String) -> String? {
            guard let raw = environment[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else { return nil }
            return raw
        }

        let accessKeyID = value(EnvironmentKey.accessKeyID)
        let secretAccessKey = value(EnvironmentKey.secretAccessKey)
        guard let accessKeyID, let secretAccessKey else {
            let missing = [
                accessKeyID == nil ? EnvironmentKey.accessKeyID : nil,
                secretAccessKey == nil ? EnvironmentKey.secretAccessKey : nil,
            ].compactMap { $0 }
            throw SESConfigurationError.missingCredentials(missing)
        }
        credentials = AWSCredentials(
            accessKeyID: accessKeyID,
            secretAccessKey: secretAccessKey,
            sessionToken: value(EnvironmentKey.sessionToken)
        )

        guard let variable = EnvironmentKey.regions.first(where: { value($0) != nil }), let region = value(variable) else {
            throw SESConfigurationError.missingRegion
        }
        guard Self.isRegionName(region) else { throw SESConfigurationError.invalidRegion(region, from: variable) }
        self.region = region

        endpoint = try value(EnvironmentKey.endpoint).map(Self.validated(endpoint:)) ?? Self.defaultEndpoint(region: region)
        configurationSetName = value(EnvironmentKey.configurationSet)
        requestTimeout = .seconds(30)
    }

    /// `https://email.<region>.amazonaws.com`, the SES API endpoint of a region.
    public static func defaultEndpoint(region: String) -> URL {
        URL(string: "https://email.\(region).amazonaws.com")!
    }

    /// Whether `name` can be a region: lower-case letters, digits and inner hyphens (it becomes part of a host name).
    static func isRegionName(_ name: String) -> Bool {
        !name.isEmpty && name.first != "-" && name.last != "-"
            && name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
    }

    /// An endpoint URL with an http(s) scheme and a host, and neither query, fragment nor user info.
    static func validated(endpoint text: String) throws -> URL {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw SESConfigurationError.invalidEndpoint(text, reason: "is not a URL")
        }
        guard scheme == "https" || scheme == "http" else {
            throw SESConfigurationError.invalidEndpoint(text, reason: "must start with https:// (or http:// for a local emulator)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw SESConfigurationError.invalidEndpoint(text, reason: "has no host")
        }
        guard components.query == nil, components.fragment == nil, components.user == nil, components.password == nil else {
            throw SESConfigurationError.invalidEndpoint(text, reason: "must not have a query, a fragment or user info")
        }
        guard let url = components.url else {
            throw SESConfigurationError.invalidEndpoint(text, reason: "is not a URL")
        }
        return url
    }
}

extension SESConfiguration: CustomStringConvertible, CustomReflectable {
    /// The settings with the credentials redacted, safe to log.
    public var description: String {
        "SESConfiguration(region: \(region), endpoint: \(endpoint.absoluteString), configurationSet: \(configurationSetName ?? "none"), credentials: \(credentials))"
    }

    /// What `dump` and the debugger see: the same redacted fields as `description`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "region": region,
                "endpoint": endpoint.absoluteString,
                "configurationSetName": configurationSetName ?? "none",
                "credentials": credentials.description,
                "requestTimeout": requestTimeout,
            ],
            displayStyle: .struct
        )
    }
}
