@testable import FlowrouteAPI
import Testing

@Suite("Flowroute's error answers")
struct FlowrouteErrorResponseTests {
    static let credentials = FlowrouteCredentials(accessKey: "12345678", secretKey: "s3cr3t-0123456789abcdef")
    static let endpoint = "https://api.flowroute.com/v2.1/messages"

    static func error(_ status: Int, _ body: String, credentials: FlowrouteCredentials = credentials) -> FlowrouteError {
        FlowrouteErrorResponse(status: status, body: Array(body.utf8))
            .flowrouteError(sending: sampleSMS(), credentials: credentials, endpoint: endpoint)
    }

    @Test("the JSON:API error objects are read: id, status, title and detail")
    func parses() {
        let body = #"{"errors": [{"id": "0b7f1c2a-1111-2222-3333-444455556666", "status": 422, "title": "Unprocessable Entity", "detail": "Invalid\n to number"}]}"#
        let response = FlowrouteErrorResponse(status: 422, body: Array(body.utf8))
        #expect(response.errors == [.init(id: "0b7f1c2a-1111-2222-3333-444455556666", status: 422, title: "Unprocessable Entity", detail: "Invalid to number")])
        #expect(response.saying == "422 Unprocessable Entity: Invalid to number")
        #expect(response.errorID == "0b7f1c2a-1111-2222-3333-444455556666")
    }

    @Test("a body that is not Flowroute's is quoted, cut short")
    func otherBody() {
        let response = FlowrouteErrorResponse(status: 502, body: Array(("<html><body>Bad gateway</body></html>" + String(repeating: "x", count: 1000)).utf8))
        #expect(response.errors.isEmpty)
        #expect(response.saying.hasPrefix("502 <html><body>Bad gateway"))
        #expect(response.saying.count < 320)
        #expect(FlowrouteErrorResponse(status: 500, body: []).saying == "500 with no explanation")
    }

    @Test("statuses map to permanent or transient", arguments: [
        (400, FlowrouteError.Kind.permanent), (401, .permanent), (403, .permanent), (404, .permanent), (405, .permanent),
        (415, .permanent), (422, .permanent), (408, .transient), (429, .transient), (500, .transient), (502, .transient),
        (503, .transient), (302, .permanent),
    ])
    func kinds(status: Int, kind: FlowrouteError.Kind) {
        let error = Self.error(status, "")
        #expect(error.kind == kind)
        #expect(error.status == status)
    }

    @Test("a refused credential names the settings the credentials came from")
    func settingNames() {
        let named = FlowrouteCredentials(
            accessKey: "12345678", secretKey: "s3cr3t-0123456789abcdef",
            settingNames: .init(accessKey: "smsrelay.flowroute.access_key", secretKey: "smsrelay.flowroute.secret_key"))
        let error = Self.error(401, #"{"errors": [{"id": "e1", "status": 401, "title": "Unauthorized"}]}"#, credentials: named)
        #expect(error.message.contains("smsrelay.flowroute.access_key and smsrelay.flowroute.secret_key"))
        #expect(error.message.contains("Flowroute error id e1"))
    }

    @Test("a 404 points at the base URL")
    func notFound() {
        #expect(Self.error(404, "").message.contains("check the API base URL"))
    }

    @Test("redaction takes secrets out of text that came from elsewhere")
    func redaction() {
        let error = FlowrouteError(.permanent, status: 422, "detail echoing s3cr3t-0123456789abcdef here")
            .redacting(["s3cr3t-0123456789abcdef"])
        #expect(error.message == "detail echoing <redacted> here")
    }
}
