import ArgumentParser
import Foundation
import SMSRelayApp

struct LambdaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lambda",
        abstract: "Run as an AWS Lambda function (custom runtime); the default when AWS_LAMBDA_RUNTIME_API is set.",
        discussion: """
            Fetches events from the Lambda Runtime API, answers API Gateway (REST or HTTP API) and \
            Function URL requests, and delivers each message synchronously: 200 once the mail system \
            took it, 500 when it did not or could not before the invocation's deadline (less \
            SMSRELAY_LAMBDA_SAFETY_MARGIN_MS), so that the carrier retries. Settings come from the \
            environment (SMSRELAY_*) as for `serve`; `smsrelay config check --mode lambda` checks them. \
            Logs are JSON lines on standard output.
            """
    )

    func run() async throws {
        do {
            try await LambdaApp.run(environment: ProcessInfo.processInfo.environment, configFile: { try ConfigFile.load(path: $0) })
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
    }
}
