@testable import CarrierAPI
import Foundation
import Logging
import Synchronization
import Testing
import TestSupport

/// The suite's fake, from the ``FakeCarrierAPIsTrait``.
func suiteFake() throws -> FakeCarrierAPIs {
    try #require(FakeCarrierAPIs.current, "the suite needs the .fakeCarrierAPIs trait")
}

/// Our number and the texter's, as the relay stores them.
let ourNumber = "12065551234"
let texter = "12065559876"
let secondTexter = "13125550100"

/// A reply carrying `marker`, so the test finds its requests among the suite's.
func sampleText(_ marker: String, to: [String] = [texter], body: String? = nil, statusCallbackURL: String? = nil) -> OutgoingText {
    OutgoingText(from: ourNumber, to: to, body: body ?? "On my way \(marker), see you at 6 & bring snacks +1", statusCallbackURL: statusCallbackURL)
}

/// The error `send` throws, or `nil` when it succeeds.
func sendError(_ sender: any TextSender, _ text: OutgoingText) async -> TextSendError? {
    do {
        _ = try await sender.send(text)
        return nil
    } catch {
        return error
    }
}

/// Every text an error shows: none may hold a secret.
func expectNoSecret(_ error: TextSendError, _ secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    for shown in [error.message, "\(error)", String(reflecting: error), error.code ?? ""] {
        for secret in secrets {
            #expect(!shown.contains(secret), "the error shows a secret: \(shown)", sourceLocation: sourceLocation)
            let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret
            #expect(!shown.contains(encoded), "the error shows an encoded secret: \(shown)", sourceLocation: sourceLocation)
        }
    }
}

/// Log lines, at every level, with their metadata.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// A logger at trace level writing here.
    func logger() -> Logger {
        var logger = Logger(label: "carrier-api-test") { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            recorder.append("\(event.level) \(event.message) \(merged)")
        }
    }
}
