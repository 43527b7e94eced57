import Foundation
import Logging
import SMSRelayCore
import SMSRelayIntake
import Synchronization
import Testing

/// The intake on its own: checks, parsing and the hand-over to a sink, as verdicts with no HTTP in them.
@Suite("Callback intake")
struct CallbackIntakeTests {
    static let token = "intake-token-0123456789"
    static let intake = CallbackIntake(token: token, maxBodyBytes: 1024)
    static let v1 = Array(#"{"to": "12065550100", "from": "12065550199", "body": "hi", "id": "mdr1-x"}"#.utf8)

    /// Records what it is given; answers as told.
    final class RecordingSink: CallbackSink {
        let taken = Mutex<[String]>([])
        let failure: SinkFailure?

        init(failing failure: SinkFailure? = nil) { self.failure = failure }

        func take(_ message: InboundMessage, context: SinkContext) async throws(SinkFailure) -> SinkReceipt {
            taken.withLock { $0.append("message \(message.id)") }
            if let failure { throw failure }
            return .stored(id: 7, isNew: true)
        }

        func take(_ receipt: DeliveryReceipt, context: SinkContext) async throws(SinkFailure) -> SinkReceipt {
            taken.withLock { $0.append("receipt \(receipt.messageID)") }
            if let failure { throw failure }
            return .receiptRecorded(isNew: true)
        }
    }

    static func context() -> SinkContext {
        SinkContext(receivedAt: Date(timeIntervalSince1970: 1_800_000_000), logger: Logger(label: "test"))
    }

    @Test("the request checks: the token first, then the method, the content type and the declared size")
    func checks() {
        func kind(_ token: String?, _ method: String = "POST", _ type: String? = "application/json", _ length: Int? = nil) -> IntakeRejection.Kind? {
            do {
                try Self.intake.checkRequest(presentedToken: token, method: method, contentType: type, contentLength: length)
                return nil
            } catch {
                return error.kind
            }
        }
        #expect(kind(Self.token) == nil)
        #expect(kind(Self.token, "post", "application/vnd.api+json; charset=utf-8", 1024) == nil)
        #expect(kind(nil) == .unknownEndpoint)
        #expect(kind("intake-token-0123456788", "GET", "text/html", 5000) == .unknownEndpoint, "a wrong token learns nothing more")
        #expect(kind(Self.token, "GET") == .methodNotAllowed)
        #expect(kind(Self.token, "POST", "application/x-www-form-urlencoded") == .unsupportedContentType)
        #expect(kind(Self.token, "POST", "application/json", 1025) == .tooLarge)
        #expect(CallbackIntake(token: nil, maxBodyBytes: 10).isAuthorized(nil), "no token configured: open")
    }

    @Test("a message goes to the sink once and its receipt is the verdict")
    func message() async {
        let sink = RecordingSink()
        let verdict = await Self.intake.deliver(Self.v1, to: sink, context: Self.context())
        #expect(verdict == .accepted(.stored(id: 7, isNew: true)))
        #expect(sink.taken.withLock { $0 } == ["message mdr1-x"])
    }

    @Test("a receipt goes to the sink as a receipt")
    func receipt() async {
        let body = Array(#"{"data": {"type": "delivery_receipt", "id": "dr-1", "attributes": {"status": "delivered", "message_id": "mdr2-9"}}}"#.utf8)
        let sink = RecordingSink()
        let verdict = await Self.intake.deliver(body, to: sink, context: Self.context())
        #expect(verdict == .accepted(.receiptRecorded(isNew: true)))
        #expect(sink.taken.withLock { $0 }.count == 1)
    }

    @Test("a callback the relay does not handle is ignored without reaching the sink")
    func ignored() async {
        let body = Array(#"{"data": {"type": "message", "id": "mdr2-o", "attributes": {"direction": "outbound", "from": "12065550100", "to": "12065550199", "body": "out"}}}"#.utf8)
        let sink = RecordingSink()
        guard case .ignored = await Self.intake.deliver(body, to: sink, context: Self.context()) else {
            Issue.record("an outbound message should be ignored")
            return
        }
        #expect(sink.taken.withLock { $0 }.isEmpty)
    }

    @Test("a body that cannot become an email is rejected with the field at fault; nothing reaches the sink")
    func invalid() async {
        let sink = RecordingSink()
        let noID = await Self.intake.deliver(Array(#"{"to": "1", "from": "2", "body": "x"}"#.utf8), to: sink, context: Self.context())
        guard case .rejected(let rejection) = noID else {
            Issue.record("expected a rejection, got \(noID)")
            return
        }
        #expect(rejection.kind == .invalidPayload)
        #expect(rejection.field == "id")
        let big = await Self.intake.deliver(Array(repeating: UInt8(ascii: " "), count: 1025), to: sink, context: Self.context())
        #expect(big == .rejected(Self.intake.tooLarge))
        #expect(sink.taken.withLock { $0 }.isEmpty)
    }

    @Test("a sink that cannot take the message makes the verdict a failure, for the carrier to retry")
    func sinkFailure() async {
        let failure = SinkFailure(.notStored, reason: "disk full")
        let verdict = await Self.intake.deliver(Self.v1, to: RecordingSink(failing: failure), context: Self.context())
        #expect(verdict == .failed(failure))
    }
}
