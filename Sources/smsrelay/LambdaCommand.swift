import ArgumentParser
import Foundation
import LambdaRuntime
import Logging
import SMSRelayConfig
import SMSRelayCore
import SMSRelayServer

struct LambdaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lambda",
        abstract: "Run as an AWS Lambda function (custom runtime); the default when AWS_LAMBDA_RUNTIME_API is set.",
        discussion: """
            Fetches events from the Lambda Runtime API, answers API Gateway (REST or HTTP API) and \
            Function URL requests, and delivers each message synchronously: 200 once the mail system \
            took it, 500 when it did not, so that the carrier retries. Settings come from the \
            environment (SMSRELAY_*) as for `serve`. Logs are JSON lines on standard output.
            """
    )

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let endpoint = environment["AWS_LAMBDA_RUNTIME_API"], !endpoint.isEmpty else {
            throw ValidationError("AWS_LAMBDA_RUNTIME_API is not set: `smsrelay lambda` runs inside AWS Lambda or its emulator")
        }
        let level = Logger.Level(rawValue: (environment["SMSRELAY_LOG_LEVEL"] ?? "info").lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "smsrelay")
        let client = HTTPLambdaRuntimeClient(endpoint: endpoint)

        let handler: RelayLambdaHandler
        do {
            let settings = try RelaySettings.load(environment: environment, defaultTransport: .lambdaDefault)
            let delivery = try RelayDelivery(settings: settings, logger: logger)
            if settings.webhookToken == nil {
                logger.warning(
                    "SMSRELAY_WEBHOOK_TOKEN is not set: the endpoint accepts callbacks from anyone who knows its URL")
            }
            handler = RelayLambdaHandler(
                intake: CallbackIntake(token: settings.webhookToken, maxBodyBytes: settings.maxBodyBytes),
                transport: delivery.transport,
                compose: delivery.compose)
            logger.info("lambda runtime ready", metadata: ["transport": "\(delivery.transport.name)", "version": "\(SMSRelayVersion.current)"])
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            try? await client.initializationFailed(LambdaFunctionError(type: "Runtime.ConfigurationError", message: "\(error)"))
            throw ExitCode(1)
        }
        try await LambdaLoop(client: client, handler: handler, logger: logger).run()
    }
}
