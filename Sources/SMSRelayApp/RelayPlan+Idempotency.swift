import DynamoDBItems
import Foundation
import Logging
import SigV4

extension RelayPlan {
    /// Lambda: the idempotency table, with the function's AWS credentials and region, when
    /// `SMSRELAY_IDEMPOTENCY_TABLE` is set.
    /// - Parameter credentials: the provider made from ``awsCredentials``, nil when there is none.
    static func idempotencyTable(
        _ settings: RelaySettings, credentials: (any AWSCredentialProvider)?, logger: Logger
    ) throws -> IdempotencyTable? {
        guard let idempotency = settings.idempotency else { return nil }
        let aws = settings.components.rooted(at: ["aws"])
        let setting = SettingKey.idempotencyTable.environmentName
        guard let credentials else {
            throw ConfigError(
                "\(setting) is set, but \(aws.name("access_key_id")) and \(aws.name("secret_access_key")) are not: "
                    + "Lambda sets them from the function's role")
        }
        guard let region = aws.string("region") ?? aws.string("default_region") else {
            throw ConfigError("\(setting) is set, but \(aws.name("region")) is not: Lambda sets it")
        }
        var dynamoLogger = logger
        dynamoLogger[metadataKey: "component"] = "dynamodb"
        let client = DynamoDBClient(
            configuration: DynamoDBConfiguration(credentials: credentials, region: region, endpoint: idempotency.endpoint),
            logger: dynamoLogger)
        return IdempotencyTable(client: client, table: idempotency.table)
    }
}
