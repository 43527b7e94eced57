import Foundation

/// The EC2 instance metadata service, spoken as IMDSv2 (a session token first).
public struct InstanceMetadataSettings: Sendable, Equatable {
    public var endpoint: URL
    /// How long one request may take; the metadata service answers at once or not at all.
    public var timeout: Duration
    /// The setting that turns the metadata service off, for messages.
    public var disabledSetting: String

    public init(
        endpoint: URL = InstanceMetadataSettings.defaultEndpoint, timeout: Duration = .seconds(2),
        disabledSetting: String = "AWS_EC2_METADATA_DISABLED"
    ) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.disabledSetting = disabledSetting
    }

    public static let defaultEndpoint = URL(string: "http://169.254.169.254")!
    /// The lifetime asked for the IMDSv2 session token, in seconds: six hours, the most it allows.
    static let tokenTTL = 21_600
}
