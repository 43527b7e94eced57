import Foundation
import MailKit
import Outbox
import SMSRelayCore
import TestSupport
import Testing

/// `smsrelay outbox …` against the data folder of a running `smsrelay serve`.
@Suite("smsrelay outbox beside a running server", .serialized)
struct OutboxCommandProcessTests {
    @Test("a message revived with `outbox retry` is delivered by the running server without waiting for a long poll")
    func retryPickedUp() async throws {
        try await withTemporaryDirectory { dir in
            // A dead message, as a permanent failure leaves it.
            let store = try SQLiteOutboxStore(path: dir.appendingPathComponent("outbox.sqlite").path)
            let message = InboundMessage(
                carrier: "flowroute", id: "mdr1-revived", from: "18553569768", to: "12066418000",
                body: "revive me", receivedAt: Date())
            let id = try await store.enqueue(message, now: Date()).id
            try await store.markFailed(id: id, error: "550 5.1.1 no such user", retryAt: nil, now: Date())
            #expect(try await store.counts().dead == 1)

            let server = try await ServeProcess(environment: ["SMSRELAY_DATA_DIR": dir.path])
            let listed = try await CommandRun(["outbox", "list", "--status", "dead", "--data-dir", dir.path])
            #expect(listed.stdout.contains("550 5.1.1 no such user"))

            let retried = try await CommandRun(["outbox", "retry", "\(id)", "--data-dir", dir.path])
            #expect(retried.status == 0, "\(retried.stderr)")
            // The server used to look again only every 30 s; it now notices within about a second.
            try await eventually(timeout: .seconds(10), "the revived message delivered") {
                try maildirMessages(dir.appendingPathComponent("mail")).count == 1
            }
            #expect(try await store.counts().sent == 1)
            #expect(server.terminate() == 0)
        }
    }
}
