import Foundation
import SESTransport
import SigV4
import Testing

@Suite("SES configuration from the environment")
struct SESConfigurationTests {
    static let keys = [
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
    ]

    static func environment(_ extra: [String: String]) -> [String: String] {
        keys.merging(extra) { $1 }
    }

    @Test(
        "the region comes from SMSRELAY_SES_REGION, else AWS_REGION, else AWS_DEFAULT_REGION",
        arguments: [
            (["SMSRELAY_SES_REGION": "eu-west-1", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "ap-south-1"], "eu-west-1"),
            (["AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "ap-south-1"], "us-east-1"),
            (["AWS_DEFAULT_REGION": "ap-south-1"], "ap-south-1"),
            (["SMSRELAY_SES_REGION": "  ", "AWS_REGION": "us-west-2"], "us-west-2"),
        ]
    )
    func regionPrecedence(variables: [String: String], region: String) throws {
        let configuration = try SESConfiguration(environment: Self.environment(variables))
        #expect(configuration.region == region)
        #expect(configuration.endpoint.absoluteString == "https://email.\(region).amazonaws.com")
    }

    @Test("no region is an error naming the three variables")
    func missingRegion() {
        let error = #expect(throws: SESConfigurationError.self) { try SESConfiguration(environment: Self.keys) }
        #expect(error?.code == .missingRegion)
        for name in ["SMSRELAY_SES_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"] {
            #expect(error?.message.contains(name) == true)
        }
    }

    @Test(
        "missing credentials are an error naming what is missing, and never a value",
        arguments: [
            (["AWS_SECRET_ACCESS_KEY": "s3cr3t-value"], "AWS_ACCESS_KEY_ID is not set"),
            (["AWS_ACCESS_KEY_ID": "AKIAVALUE"], "AWS_SECRET_ACCESS_KEY is not set"),
            (["AWS_ACCESS_KEY_ID": "AKIAVALUE", "AWS_SECRET_ACCESS_KEY": ""], "AWS_SECRET_ACCESS_KEY is not set"),
            ([:], "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"),
        ]
    )
    func missingCredentials(variables: [String: String], expected: String) {
        let error = #expect(throws: SESConfigurationError.self) {
            try SESConfiguration(environment: variables.merging(["AWS_REGION": "us-east-1"]) { $1 })
        }
        #expect(error?.code == .missingCredentials)
        #expect(error?.message.contains(expected) == true)
        #expect(error?.message.contains("s3cr3t-value") == false)
        #expect(error?.message.contains("AKIAVALUE") == false)
    }

    @Test("credentials, session token and configuration set are read as Lambda provides them")
    func credentials() throws {
        let configuration = try SESConfiguration(environment: Self.environment([
            "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLE",
            "AWS_REGION": "us-east-1",
            "SMSRELAY_SES_CONFIGURATION_SET": "smsrelay-events",
        ]))
        #expect(configuration.credentials as? AWSCredentials == AWSCredentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
            sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE"
        ))
        #expect(configuration.configurationSetName == "smsrelay-events")
        #expect(configuration.requestTimeout == .seconds(30))
        let blankToken = try SESConfiguration(environment: Self.environment(["AWS_REGION": "us-east-1", "AWS_SESSION_TOKEN": ""]))
        #expect(try #require(blankToken.credentials as? AWSCredentials).sessionToken == nil)
    }

    @Test(
        "SMSRELAY_SES_ENDPOINT replaces the region's endpoint",
        arguments: [
            "http://127.0.0.1:4566",
            "https://vpce-0123-abcd.email.eu-west-1.vpce.amazonaws.com",
            "https://proxy.example.com/ses",
        ]
    )
    func endpointOverride(endpoint: String) throws {
        let configuration = try SESConfiguration(environment: Self.environment(["AWS_REGION": "eu-west-1", "SMSRELAY_SES_ENDPOINT": endpoint]))
        #expect(configuration.endpoint.absoluteString == endpoint)
        #expect(configuration.region == "eu-west-1")
    }

    @Test(
        "a malformed endpoint or region is refused at start-up with the variable's name",
        arguments: [
            (["AWS_REGION": "us-east-1", "SMSRELAY_SES_ENDPOINT": "ftp://example.com"], SESConfigurationError.Code.invalidEndpoint, "SMSRELAY_SES_ENDPOINT"),
            (["AWS_REGION": "us-east-1", "SMSRELAY_SES_ENDPOINT": "email.us-east-1.amazonaws.com"], .invalidEndpoint, "SMSRELAY_SES_ENDPOINT"),
            (["AWS_REGION": "us-east-1", "SMSRELAY_SES_ENDPOINT": "https://example.com/?a=b"], .invalidEndpoint, "SMSRELAY_SES_ENDPOINT"),
            (["AWS_REGION": "us-east-1", "SMSRELAY_SES_ENDPOINT": "https://user:pw@example.com"], .invalidEndpoint, "SMSRELAY_SES_ENDPOINT"),
            (["SMSRELAY_SES_REGION": "US-EAST-1"], .invalidRegion, "SMSRELAY_SES_REGION"),
            (["AWS_REGION": "us-east-1.evil.com/"], .invalidRegion, "AWS_REGION"),
        ]
    )
    func invalidValues(variables: [String: String], code: SESConfigurationError.Code, variable: String) {
        let error = #expect(throws: SESConfigurationError.self) { try SESConfiguration(environment: Self.environment(variables)) }
        #expect(error?.code == code)
        #expect(error?.message.contains(variable) == true)
    }

    @Test("the configuration's description and dump never show the secret or the token")
    func redaction() throws {
        let configuration = try SESConfiguration(environment: Self.environment([
            "AWS_REGION": "us-east-1",
            "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLE",
        ]))
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [configuration.description, "\(configuration)", String(reflecting: configuration), dumped] {
            #expect(!text.contains("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"))
            #expect(!text.contains("IQoJb3JpZ2luX2VjEXAMPLE"))
            #expect(!text.contains("AKIAIOSFODNN7EXAMPLE"))
            #expect(text.contains("us-east-1"))
        }
    }
}

extension SESConfigurationTests {
    @Test("the send rate is 14 a second unless SMSRELAY_SES_MAX_SEND_RATE says otherwise, decimals allowed")
    func sendRate() throws {
        #expect(try SESConfiguration(environment: Self.environment(["AWS_REGION": "us-east-1"])).maxSendRate == 14)
        let configured = try SESConfiguration(environment: Self.environment(["AWS_REGION": "us-east-1", "SMSRELAY_SES_MAX_SEND_RATE": "2.5"]))
        #expect(configured.maxSendRate == 2.5)
    }

    @Test("a send rate that is not a positive number is an error naming the variable", arguments: ["0", "-3", "fast", "nan", "100000"])
    func invalidSendRate(value: String) {
        let error = #expect(throws: SESConfigurationError.self) {
            try SESConfiguration(environment: Self.environment(["AWS_REGION": "us-east-1", "SMSRELAY_SES_MAX_SEND_RATE": value]))
        }
        #expect(error?.code == .invalidSendRate)
        #expect(error?.message.contains("SMSRELAY_SES_MAX_SEND_RATE=\(value)") == true)
    }
}
