/// Why the SES transport cannot be set up, and what to change.
///
/// Like the other configuration errors, it is raised at start-up, never at the first message.
/// No credential ever appears in one.
public struct SESConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, for code that needs to tell the cases apart.
    public enum Code: String, Sendable, Equatable {
        case missingCredentials
        case missingRegion
        case invalidRegion
        case invalidEndpoint
        case invalidSendRate
    }

    public let code: Code
    /// What was wrong and what to do, naming the settings involved.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func missingCredentials(_ missing: [String], names: SESConfiguration.SettingNames) -> Self {
        .init(
            .missingCredentials,
            "SES needs AWS credentials, but \(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") not set; "
                + "set \(names.accessKeyID) and \(names.secretAccessKey) (and \(names.sessionToken) for temporary credentials). "
                + "On Lambda they come from the function's execution role."
        )
    }

    static func missingRegion(_ names: SESConfiguration.SettingNames) -> Self {
        let first = names.regions.first ?? "the region"
        return Self(
            .missingRegion,
            "SES needs a region, but none of \(names.regions.dropLast().joined(separator: ", ")) and \(names.regions.last ?? first) is set; "
                + "set \(first) to the region where the sender is verified, e.g. us-east-1."
        )
    }

    static func invalidRegion(_ value: String, from variable: String) -> Self {
        .init(
            .invalidRegion,
            "\(variable)=\"\(value)\" is not an AWS region name; use lower-case letters, digits and hyphens, e.g. eu-west-1."
        )
    }

    static func invalidEndpoint(_ value: String, reason: String, setting: String) -> Self {
        .init(
            .invalidEndpoint,
            "\(setting)=\"\(value)\" \(reason); give a URL such as https://email.us-east-1.amazonaws.com, or unset it to use the region's endpoint."
        )
    }

    static func invalidSendRate(_ value: String, setting: String) -> Self {
        .init(
            .invalidSendRate,
            "\(setting)=\(value) is not valid; expected messages per second from \(SESConfiguration.sendRates.lowerBound) to \(Int(SESConfiguration.sendRates.upperBound)), decimals allowed, e.g. 14 (SES's default quota) or 0.5; see the account's \"Maximum send rate\" in the SES console."
        )
    }
}
