import Foundation
import SMSRelayApp
import Testing

@Suite("Exactly-once settings (Lambda)")
struct IdempotencySettingsTests {
    static let aws = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-example", "AWS_REGION": "eu-west-1"]

    @Test("config check in Lambda mode names the table and its endpoint, or says delivery is at least once")
    func configCheck() throws {
        var environment = Self.aws
        let off = try ConfigCheck.run(flags: [:], environment: environment, mode: .lambda)
        #expect(off.contains("exactly once    off: a callback retried after SES took the email sends it again (set SMSRELAY_IDEMPOTENCY_TABLE)"), "\(off)")
        environment["SMSRELAY_IDEMPOTENCY_TABLE"] = "smsrelay-Idempotency.1"
        environment["SMSRELAY_DYNAMODB_ENDPOINT"] = "https://vpce-1.dynamodb.eu-west-1.vpce.amazonaws.com"
        let on = try ConfigCheck.run(flags: [:], environment: environment, mode: .lambda)
        #expect(on.contains(
            "exactly once    DynamoDB table smsrelay-Idempotency.1 at https://vpce-1.dynamodb.eu-west-1.vpce.amazonaws.com: each text claimed before it is sent"),
            "\(on)")
        #expect(!on.contains("secret-example"))
        let settings = try RelaySettings.load(environment: environment, defaultTransport: .lambdaDefault)
        #expect(settings.idempotency == IdempotencySettings(
            table: "smsrelay-Idempotency.1", endpoint: URL(string: "https://vpce-1.dynamodb.eu-west-1.vpce.amazonaws.com")))
    }

    @Test("a table name DynamoDB would refuse, or an endpoint that is not an http(s) URL, is refused at start naming the setting",
          arguments: [
            ("SMSRELAY_IDEMPOTENCY_TABLE", "ab"), ("SMSRELAY_IDEMPOTENCY_TABLE", "my table"), ("SMSRELAY_IDEMPOTENCY_TABLE", "tab/le"),
            ("SMSRELAY_DYNAMODB_ENDPOINT", "ftp://dynamodb.example"), ("SMSRELAY_DYNAMODB_ENDPOINT", "dynamodb.eu-west-1.amazonaws.com"),
          ])
    func refused(_ setting: String, _ value: String) throws {
        var environment = Self.aws
        environment["SMSRELAY_IDEMPOTENCY_TABLE"] = "smsrelay-ids"
        environment[setting] = value
        do {
            _ = try ConfigCheck.run(flags: [:], environment: environment, mode: .lambda)
            Issue.record("\(setting)=\(value) was accepted")
        } catch let error as ConfigError {
            #expect(error.description.contains(setting), "\(error)")
        }
        #expect(throws: ConfigError.self) { try RelaySettings.load(environment: environment, defaultTransport: .lambdaDefault) }
    }

    @Test("the table without AWS credentials is refused by the check, naming what Lambda sets")
    func noCredentials() throws {
        do {
            _ = try ConfigCheck.run(
                flags: [:], environment: ["AWS_REGION": "eu-west-1", "SMSRELAY_TRANSPORT": "maildir", "SMSRELAY_IDEMPOTENCY_TABLE": "smsrelay-ids"],
                mode: .lambda)
            Issue.record("accepted without credentials")
        } catch let error as ConfigError {
            #expect(error.description.contains("SMSRELAY_IDEMPOTENCY_TABLE is set"), "\(error)")
            #expect(error.description.contains("AWS_ACCESS_KEY_ID"), "\(error)")
        }
    }

    @Test("the two settings are environment-only, like the other Lambda ones")
    func noFlags() {
        #expect(!SettingKey.idempotencyTable.hasFlag && !SettingKey.dynamoDBEndpoint.hasFlag)
        #expect(SettingKey.idempotencyTable.environmentName == "SMSRELAY_IDEMPOTENCY_TABLE")
        #expect(SettingKey.dynamoDBEndpoint.environmentName == "SMSRELAY_DYNAMODB_ENDPOINT")
    }
}
