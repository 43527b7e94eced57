import Foundation
import Logging
import MailKit
import Testing

@testable import SMTPTransport

/// Short time limits, so a test that goes wrong fails in seconds.
// Generous, so that a loaded machine (tests run in parallel) is not mistaken for a slow server.
let testTimeouts = SMTPTimeouts.uniform(.seconds(20))

/// Creates a transport, runs `body` with it and shuts it down, whatever `body` does.
func withTransport<T>(
    _ url: String,
    passwordFile: String? = nil,
    caFile: String? = nil,
    heloName: String? = nil,
    idleTimeout: Duration = SMTPConfiguration.defaultIdleTimeout,
    timeouts: SMTPTimeouts = testTimeouts,
    reuseConnections: Bool = true,
    maxConnections: Int = 1,
    pauses: SMTPCircuitBreaker.Policy = .init(),
    logger: Logger? = nil,
    _ body: (SMTPTransport) async throws -> T
) async throws -> T {
    var quiet = Logger(label: "smsrelay.smtp.test")
    quiet.logLevel = ProcessInfo.processInfo.environment["SMTP_TEST_TRACE"] == nil ? .critical : .trace
    let configuration = try SMTPConfiguration(
        url: url, passwordFile: passwordFile, caFile: caFile, heloName: heloName, idleTimeout: idleTimeout, names: .relay)
    let transport = SMTPTransport(
        configuration: configuration, timeouts: timeouts, reuseConnections: reuseConnections, maxConnections: maxConnections, pauses: pauses,
        logger: logger ?? quiet)
    do {
        let result = try await body(transport)
        await transport.shutdown()
        return result
    } catch {
        await transport.shutdown()
        throw error
    }
}

/// An email like the relay sends: UTF-8 subject and body with an emoji, lines starting with dots.
func testEmail(_ number: Int = 1, to recipients: [String] = ["ann@example.com"]) -> Email {
    Email(
        from: Mailbox(displayName: "+1 555 0100 via SMS", address: "relay@example.org"),
        to: recipients.map { Mailbox(address: $0) },
        subject: "SMS #\(number) from +1 555 0100 — déjà vu 👋",
        date: Date(timeIntervalSince1970: 1_800_000_000),
        messageID: "test.\(number).\(UUID().uuidString)@example.org",
        textBody: testText,
        htmlBody: "<p>Hello 👋</p>\n.<b>dot</b>\n"
    )
}

let testText = "Hello from SMS 👋 — Grüße\n.a line that starts with a dot\n..and one with two\n.\nend\n"

/// Runs `body`, expecting it to throw a ``MailTransportError``, and returns that error.
func expectTransportError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> MailTransportError? {
    do {
        try await body()
        Issue.record("expected a MailTransportError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as MailTransportError {
        return error
    } catch {
        Issue.record("expected a MailTransportError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
