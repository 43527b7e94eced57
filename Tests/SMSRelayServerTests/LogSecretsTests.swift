import Foundation
import Testing
import TestSupport

/// What `serve` writes, read whole: secrets never, numbers only at debug.
@Suite("Logs keep the secrets out", .serialized)
struct LogSecretsTests {
    static let token = "log-test-token-0123456789abcdef"
    static let flowrouteSecret = "flowroute-secret-for-the-log-test-99"

    @Test("at every level, neither the webhook token nor the Flowroute secret key reaches standard output or error", arguments: ["trace", "debug", "info"])
    func noSecrets(level: String) async throws {
        try await withTemporaryDirectory { dir in
            let server = try await ServeProcess(environment: [
                "SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_WEBHOOK_TOKEN": Self.token, "SMSRELAY_LOG_LEVEL": level,
                "SMSRELAY_REPLY_DOMAIN": "sms.example.com", "SMSRELAY_FLOWROUTE_ACCESS_KEY": "access",
                "SMSRELAY_FLOWROUTE_SECRET_KEY": Self.flowrouteSecret,
            ])
            #expect(try await server.post(IntakeTests.seed) == 200)
            #expect(try await server.post("{not json") == 400)
            try await eventually(timeout: .seconds(30), "the delivery logged") { server.standardError.contains("message delivered") }
            #expect(server.terminate() == 0)
            let everything = server.printed + server.standardError
            #expect(!everything.contains(Self.token), "\(level): the token was written")
            #expect(!everything.contains(Self.flowrouteSecret), "\(level): the Flowroute secret key was written")
            // The texter's number is in the log only at debug and below.
            let numbers = server.standardError.contains("18553569768")
            #expect(numbers == (level != "info"), "\(level): numbers logged = \(numbers)")
        }
    }
}
