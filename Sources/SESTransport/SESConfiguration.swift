import ComponentConfig
import Foundation
import SigV4

/// Everything the SES transport needs: credentials, region, endpoint and an optional configuration set.
///
/// ``init(config:aws:credentials:)`` reads them from two scopes: the transport's own (`region`,
/// `endpoint`, `configuration_set`) and the AWS one (`access_key_id`, `secret_access_key`,
/// `session_token`, `region`, `default_region`), which in the environment are the variables Lambda
/// provides. So the same settings work on Lambda, on a server with a key in its environment, and
/// against a local emulator. The region is the transport's own, else the AWS `region`, else
/// `default_region`. The credentials can instead come from a provider the caller chose (the
/// platform's: a web identity, the container endpoint, the instance metadata service); the
/// transport asks it before every request.
public struct SESConfiguration: Sendable {
    /// The names of the settings as the user writes them, for messages that say what to change.
    public struct SettingNames: Sendable, Equatable {
        public var accessKeyID: String
        public var secretAccessKey: String
        public var sessionToken: String
        /// The region settings, in order of precedence.
        public var regions: [String]
        public var endpoint: String
        public var configurationSet: String
        public var maxSendRate: String

        public init(
            accessKeyID: String, secretAccessKey: String, sessionToken: String, regions: [String], endpoint: String,
            configurationSet: String, maxSendRate: String = "the SES send rate"
        ) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
            self.regions = regions
            self.endpoint = endpoint
            self.configurationSet = configurationSet
            self.maxSendRate = maxSendRate
        }

        /// The names of the keys of the two scopes.
        public init(config: ComponentConfig, aws: ComponentConfig) {
            self.init(
                accessKeyID: aws.name("access_key_id"), secretAccessKey: aws.name("secret_access_key"),
                sessionToken: aws.name("session_token"),
                regions: [config.name("region"), aws.name("region"), aws.name("default_region")],
                endpoint: config.name("endpoint"), configurationSet: config.name("configuration_set"),
                maxSendRate: config.name("max_send_rate"))
        }

        /// Plain descriptions, for a configuration given in code.
        public static let descriptive = SettingNames(
            accessKeyID: "the AWS access key id", secretAccessKey: "the AWS secret access key",
            sessionToken: "the AWS session token", regions: ["the SES region"], endpoint: "the SES endpoint",
            configurationSet: "the SES configuration set")
    }

    /// Where each request's credentials come from: fixed ``AWSCredentials`` provide themselves.
    public var credentials: any AWSCredentialProvider
    /// The region requests are signed for, e.g. `us-east-1`.
    public var region: String
    /// Where requests go: `https://email.<region>.amazonaws.com` unless overridden.
    public var endpoint: URL
    /// The configuration set to send with (event publishing, dedicated IPs); `nil` for none.
    public var configurationSetName: String?
    /// How long one `SendEmail` call may take, connection included, before it counts as a transient failure.
    public var requestTimeout: Duration
    /// The most messages sent per second, shared by every send in flight: SES's "maximum send
    /// rate" of the account. Throttling answers lower the pace below it for a while.
    public var maxSendRate: Double
    /// How messages name the settings.
    public var names: SettingNames

    /// SES's default sending quota, in messages per second.
    public static let defaultMaxSendRate = 14.0
    /// The send rates accepted, in messages per second.
    public static let sendRates = 0.1...10_000.0

    /// Settings given directly. `endpoint` defaults to the region's public SES endpoint.
    ///
    /// - Throws: ``SESConfigurationError`` when the region is not a region name or the endpoint is not an http(s) URL.
    public init(
        credentials: any AWSCredentialProvider,
        region: String,
        endpoint: URL? = nil,
        configurationSetName: String? = nil,
        requestTimeout: Duration = .seconds(30),
        maxSendRate: Double = SESConfiguration.defaultMaxSendRate,
        names: SettingNames = .descriptive
    ) throws {
        guard Self.isRegionName(region) else { throw SESConfigurationError.invalidRegion(region, from: names.regions.first ?? "region") }
        guard Self.sendRates.contains(maxSendRate) else {
            throw SESConfigurationError.invalidSendRate("\(maxSendRate)", setting: names.maxSendRate)
        }
        self.credentials = credentials
        self.region = region
        self.endpoint = try endpoint.map { try Self.validated(endpoint: $0.absoluteString, setting: names.endpoint) }
            ?? Self.defaultEndpoint(region: region)
        self.configurationSetName = configurationSetName
        self.requestTimeout = requestTimeout
        self.maxSendRate = maxSendRate
        self.names = names
    }

    /// Reads and checks the settings of the transport's scope `config` and the AWS scope `aws`;
    /// `max_send_rate` is messages per second (decimals allowed), 14 when unset.
    ///
    /// - Parameter credentials: where the credentials come from; `nil` reads a key from the AWS
    ///   scope (`access_key_id`, `secret_access_key`, `session_token`).
    /// - Throws: ``SESConfigurationError`` naming the settings to set or fix.
    public init(config: ComponentConfig, aws: ComponentConfig, credentials provider: (any AWSCredentialProvider)? = nil) throws {
        let names = SettingNames(config: config, aws: aws)
        let credentials: any AWSCredentialProvider
        if let provider {
            credentials = provider
        } else {
            let accessKeyID = aws.string("access_key_id")
            let secretAccessKey = aws.string("secret_access_key", isSecret: true)
            guard let accessKeyID, let secretAccessKey else {
                let missing = [
                    accessKeyID == nil ? names.accessKeyID : nil,
                    secretAccessKey == nil ? names.secretAccessKey : nil,
                ].compactMap { $0 }
                throw SESConfigurationError.missingCredentials(missing, names: names)
            }
            credentials = AWSCredentials(
                accessKeyID: accessKeyID,
                secretAccessKey: secretAccessKey,
                sessionToken: aws.string("session_token", isSecret: true)
            )
        }
        let candidates = [(config, "region"), (aws, "region"), (aws, "default_region")]
        guard let (scope, key) = candidates.first(where: { $0.0.string($0.1) != nil }), let region = scope.string(key) else {
            throw SESConfigurationError.missingRegion(names)
        }
        guard Self.isRegionName(region) else { throw SESConfigurationError.invalidRegion(region, from: scope.name(key)) }
        let endpoint = try config.string("endpoint").map { try Self.validated(endpoint: $0, setting: names.endpoint) }
        var maxSendRate = Self.defaultMaxSendRate
        if let text = config.string("max_send_rate") {
            guard let rate = Double(text), rate.isFinite, Self.sendRates.contains(rate) else {
                throw SESConfigurationError.invalidSendRate(text, setting: names.maxSendRate)
            }
            maxSendRate = rate
        }
        try self.init(
            credentials: credentials, region: region, endpoint: endpoint,
            configurationSetName: config.string("configuration_set"), maxSendRate: maxSendRate, names: names)
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
    static func validated(endpoint text: String, setting: String) throws -> URL {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw SESConfigurationError.invalidEndpoint(text, reason: "is not a URL", setting: setting)
        }
        guard scheme == "https" || scheme == "http" else {
            throw SESConfigurationError.invalidEndpoint(text, reason: "must start with https:// (or http:// for a local emulator)", setting: setting)
        }
        guard let host = components.host, !host.isEmpty else {
            throw SESConfigurationError.invalidEndpoint(text, reason: "has no host", setting: setting)
        }
        guard components.query == nil, components.fragment == nil, components.user == nil, components.password == nil else {
            throw SESConfigurationError.invalidEndpoint(text, reason: "must not have a query, a fragment or user info", setting: setting)
        }
        guard let url = components.url else {
            throw SESConfigurationError.invalidEndpoint(text, reason: "is not a URL", setting: setting)
        }
        return url
    }
}

extension SESConfiguration: CustomStringConvertible, CustomReflectable {
    /// The settings with the credentials redacted, safe to log.
    public var description: String {
        "SESConfiguration(region: \(region), endpoint: \(endpoint.absoluteString), configurationSet: \(configurationSetName ?? "none"), maxSendRate: \(maxSendRate), credentials: \(credentials))"
    }

    /// What `dump` and the debugger see: the same redacted fields as `description`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "region": region,
                "endpoint": endpoint.absoluteString,
                "configurationSetName": configurationSetName ?? "none",
                "credentials": String(describing: credentials),
                "requestTimeout": requestTimeout,
                "maxSendRate": maxSendRate,
            ],
            displayStyle: .struct
        )
    }
}
