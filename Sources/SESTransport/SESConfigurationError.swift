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
    }

    public let code: Code
    /// What was wrong and what to do, naming the environment variables involved.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func missingCredentials(_ missing: [String]) -> Self {
        .init(
            .missingCredentials,
            "SES needs AWS credentials, but \(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") not set; "
                + "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials). "
                + "On Lambda they come from the function's execution role."
        )
    }

    static let missingRegion = Self(
        .missingRegion,
        "SES needs a region, but none of SMSRELAY_SES_REGION, AWS_REGION and AWS_DEFAULT_REGION is set; "
            + "set SMSRELAY_SES_REGION to the region where the sender is verified, e.g. us-east-1."
    )

    static func invalidRegion(_ value: String, from variable: String) -> Self {
        .init(
            .invalidRegion,
            "\(variable)=\"\(value)\" is not an AWS region name; use lower-case letters, digits and hyphens, e.g. eu-west-1."
        )
    }

    static func invalidEndpoint(_ value: String, reason: String) -> Self {
        .init(
            .invalidEndpoint,
            "SMSRELAY_SES_ENDPOINT=\"\(value)\" \(reason); give a URL such as https://email.us-east-1.amazonaws.com, or unset it to use the region's endpoint."
        )
    }
}
