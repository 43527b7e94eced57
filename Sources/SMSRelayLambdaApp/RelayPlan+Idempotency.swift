import DynamoDBItems
import Foundation
import Logging
import SigV4

extension RelayPlan {
    /// Lambda: the idempotency table, with the function's AWS credentials and region, when
    /// `SMSRELAY_IDEMPOTENCY_TABLE` is set.
    /// - Parameter credentials: the provider made from ``awsCredentials``, nil when there is none.
    package static func idempotencyTable(
        _ settings: RelaySettings, credentials: (any AWSCredentialProvider)?, logger: Logger
    ) throws -> IdempotencyTable? {
        guard let idempotency = settings.idempotency else { return nil }
        let (credentials, region) = try lambdaAWS(settings, credentials: credentials, for: SettingKey.idempotencyTable)
        var dynamoLogger = logger
        dynamoLogger[metadataKey: "component"] = "dynamodb"
        let client = DynamoDBClient(
            configuration: DynamoDBConfiguration(credentials: credentials, region: region, endpoint: idempotency.endpoint),
            logger: dynamoLogger)
        return IdempotencyTable(client: client, table: idempotency.table)
    }
}
