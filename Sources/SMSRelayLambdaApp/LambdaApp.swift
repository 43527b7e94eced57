import Foundation
import LambdaRuntime
import Logging
import SMSRelayCore
import SMSRelayIntake
import ServiceLifecycle

/// `smsrelay lambda`: the relay as a Lambda function. Settings come from the environment as for
/// `serve`, SES is the default transport, and each message is sent during its invocation.
public enum LambdaApp {
    /// Runs the runtime loop until Lambda stops the process.
    /// - Throws: ``ConfigError`` when `AWS_LAMBDA_RUNTIME_API` is missing; a configuration error
    ///   is reported to the Runtime API's init/error first, then thrown.
    /// - Parameter configFile: reads a config file named by `SMSRELAY_CONFIG` (`smsrelay lambda`
    ///   reads YAML); nil, as in the lean `bootstrap`, refuses one: settings come from the environment.
    public static func run(environment: [String: String], configFile: ConfigFileReader? = nil) async throws {
        guard let endpoint = environment["AWS_LAMBDA_RUNTIME_API"], !endpoint.isEmpty else {
            throw ConfigError("AWS_LAMBDA_RUNTIME_API is not set: `smsrelay lambda` runs inside AWS Lambda or its emulator")
        }
        let level = Logger.Level(rawValue: (environment[SettingKey.logLevel.environmentName] ?? "info").lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "smsrelay")
        let client = HTTPLambdaRuntimeClient(endpoint: endpoint)

        let handler: LambdaEventRouter
        do {
            handler = try makeHandler(environment: environment, logger: logger, configFile: configFile)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            try? await client.initializationFailed(LambdaFunctionError(type: "Runtime.ConfigurationError", message: "\(error)"))
            throw error
        }
        // Lambda sends SIGTERM before it shuts an execution environment down: the event in hand is
        // answered first.
        let loop = LambdaLoop(client: client, handler: handler, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [loop], gracefulShutdownSignals: [.sigterm], logger: logger))
        try await group.run()
    }

    /// The function's handler, with every setting checked: what `config check --mode lambda` runs.
    package static func makeHandler(
        environment: [String: String], logger: Logger, configFile: ConfigFileReader? = nil
    ) throws -> LambdaEventRouter {
        let settings = try RelaySettings.read(environment: environment, defaultTransport: .lambdaDefault, configFile: configFile, databaseURL: nil)
        let components = try RelayComponents(
            settings: settings, logger: logger, replySecret: try RelayPlan.lambdaReplySecret(settings), lambda: true)
        if settings.webhookToken == nil {
            logger.warning(
                "\(SettingKey.webhookToken.environmentName) is not set: the endpoint accepts callbacks from anyone who knows its URL")
        }
        let idempotency = try RelayPlan.idempotencyTable(settings, credentials: components.awsCredentials, logger: logger)
        logger.info(
            "lambda runtime ready",
            metadata: [
                "transport": "\(components.transportSummary)", "version": "\(SMSRelayVersion.current)",
                "idempotency_table": "\(idempotency?.table ?? "none: at least once")",
            ])
        let callbacks = CallbackLambdaHandler(
            intakes: settings.carriers.intakes(
                token: settings.webhookToken, maxBodyBytes: settings.maxBodyBytes,
                publicURL: settings.isPublicURLConfigured ? settings.publicURL : nil),
            sink: SendNowSink(
                transport: components.transport, compose: components.compose, safetyMargin: settings.lambdaSafetyMargin,
                media: components.mediaCollector(
                    folder: nil,
                    policy: RetryPolicy(baseDelay: settings.retryBaseDelay, maxDelay: settings.retryMaxDelay)),
                idempotency: idempotency))
        var replies: SESReplyHandler?
        if let secret = settings.replies.secret, let location = settings.replies.s3, !components.senders.isEmpty,
           let s3 = try RelayPlan.replyS3Client(settings, credentials: components.awsCredentials, logger: logger)
        {
            replies = SESReplyHandler(
                intake: try ReplyIntake(settings: settings, secret: secret), s3: s3, location: location, senders: components.senders,
                transport: components.transport, composeNotice: components.composeNotice, confirm: settings.replies.confirm,
                safetyMargin: settings.lambdaSafetyMargin)
        }
        return LambdaEventRouter(callbacks: callbacks, replies: replies)
    }
}
