import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Sends SMS through VoIP.ms's REST/JSON API (`GET /api/v1/rest.php?method=sendSMS…`): a text
/// of up to 160 characters as an SMS, a longer one (up to 2048) as an MMS.
///
/// VoIP.ms takes the API password in the query, so no error, description or log line of this
/// client ever shows a request's address with its query. VoIP.ms sends within the US and Canada
/// only, to one 10-digit number a message: ``supportsGroups`` is false.
public final class VoipmsClient: TextSender {
    public let carrier = "voipms"
    public let supportsGroups = false
    /// The longest text `sendSMS` takes; a longer one goes as an MMS.
    public static let maximumSMSLength = 160
    /// The longest text `sendMMS` takes.
    public static let maximumMMSLength = 2048
    /// Where the API is; VoIP.ms's own unless a test points it elsewhere.
    public let baseURL: URL
    /// The API user name: the account's email address. Not a secret.
    public let username: String
    public let timeout: Duration
    private let password: String
    private let logger: Logger
    private let exchange: CarrierExchange

    /// - Parameters:
    ///   - baseURL: the API's root, without `/api/v1`.
    ///   - username: the account's email address, as VoIP.ms's `api_username`.
    ///   - password: the API password (Main Menu › SOAP & REST/JSON API), not the portal's.
    ///     Never logged, never part of an error.
    ///   - logger: the caller's logger; the client adds debug lines only, never a credential, a text or a request URL.
    public init(
        baseURL: URL = URL(string: "https://voip.ms")!,
        username: String,
        password: String,
        httpClient: HTTPClient = .shared,
        timeout: Duration = .seconds(30),
        logger: Logger
    ) {
        self.baseURL = baseURL
        self.username = username
        self.password = password
        self.timeout = timeout
        self.logger = logger
        exchange = CarrierExchange(
            carrierName: "VoIP.ms", httpClient: httpClient, timeout: timeout,
            secrets: [password, WireFormat.percentEncoded(password), password.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? password])
    }

    /// `{baseURL}/api/v1/rest.php`, without the query that carries the credentials.
    public var endpoint: String { WireFormat.join(baseURL, "/api/v1/rest.php") }

    public var endpointDescription: String { endpoint }

    public func send(_ text: OutgoingText) async throws(TextSendError) -> SentText {
        try checkRecipients(of: text, carrierName: "VoIP.ms")
        guard let did = WireFormat.nanp(text.from) else {
            throw TextSendError(
                .permanent, "the sending number \(text.from) is not a US or Canadian number; VoIP.ms sends from its 10-digit DIDs only")
        }
        guard let dst = WireFormat.nanp(text.to[0]) else {
            throw TextSendError(
                .permanent, "the recipient \(text.to[0]) is not a US or Canadian number; VoIP.ms sends to 10-digit North American numbers only")
        }
        let length = text.body.unicodeScalars.count
        guard length <= Self.maximumMMSLength else {
            throw TextSendError(
                .permanent, "the text has \(length) characters; VoIP.ms sends at most \(Self.maximumMMSLength) (as an MMS); nothing was sent")
        }
        let method = length <= Self.maximumSMSLength ? "sendSMS" : "sendMMS"
        let query = WireFormat.form([
            ("api_username", username), ("api_password", password), ("method", method), ("did", did), ("dst", dst), ("message", text.body),
        ])
        let endpoint = endpoint
        var request = HTTPClientRequest(url: endpoint + "?" + query)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")

        var logger = logger
        logger[metadataKey: "sms_from"] = "\(text.from)"
        logger.debug("sending through VoIP.ms", metadata: ["sms_to": "\(text.to[0])", "endpoint": "\(endpoint)", "method": "\(method)"])
        let answer: CarrierExchange.Answer
        do {
            answer = try await exchange.perform(request, endpoint: endpoint)
        } catch {
            throw error.redacting([query])
        }

        guard let json = answer.json, let status = WireFormat.string(json["status"]) else {
            let error = answer.isSuccess || CarrierExchange.kind(forStatus: answer.status) == .permanent
                ? exchange.unreadable(answer, endpoint: endpoint)
                : exchange.redacted(TextSendError(
                    .transient, status: answer.status, "VoIP.ms did not take the text now (HTTP \(answer.status)); will retry later"))
            logger.debug("VoIP.ms did not take the text", metadata: ["status": "\(answer.status)"])
            throw error.redacting([query])
        }
        guard status == "success" else {
            let error = refusal(status, httpStatus: answer.status, did: did, dst: dst).redacting([query])
            logger.debug("VoIP.ms refused the text", metadata: ["status": "\(answer.status)", "code": "\(status)"])
            throw error
        }
        guard let id = WireFormat.string(json["sms"]) ?? WireFormat.string(json["mms"]), !id.isEmpty else {
            logger.warning("VoIP.ms accepted the text but its answer had no message id", metadata: ["status": "\(answer.status)"])
            return SentText(messageID: "")
        }
        logger.debug("sent through VoIP.ms", metadata: ["message_id": "\(id)", "method": "\(method)"])
        return SentText(messageID: id)
    }

    /// The error for a `status` other than `success`: VoIP.ms's error words.
    func refusal(_ word: String, httpStatus: Int, did: String, dst: String) -> TextSendError {
        let transientWords: Set<String> = ["sms_failed", "mms_failed", "limit_reached", "server_error", "too_many_requests"]
        let kind: TextSendError.Kind =
            transientWords.contains(word) || CarrierExchange.kind(forStatus: httpStatus) == .transient ? .transient : .permanent
        let what: String
        switch word {
        case "invalid_credentials", "missing_credentials", "invalid_username", "invalid_password":
            what = "VoIP.ms refused the API credentials; check the VoIP.ms API user name (the account's email) and the API password "
                + "set under Main Menu › SOAP & REST/JSON API, and that the API is enabled there"
        case "ip_not_enabled":
            what = "VoIP.ms does not take API calls from this machine's IP address; add it under Main Menu › SOAP & REST/JSON API"
        case "api_not_enabled":
            what = "the VoIP.ms API is not enabled for the account; enable it under Main Menu › SOAP & REST/JSON API"
        case "invalid_did", "missing_did", "did_not_sms_enabled", "sms_disabled":
            what = "VoIP.ms will not send from \(did): it must be a DID of the account with SMS enabled"
        case "invalid_dst", "missing_dst":
            what = "VoIP.ms refused the recipient \(dst); it takes 10-digit US and Canadian numbers"
        case "missing_message", "invalid_message", "message_empty":
            what = "VoIP.ms refused the text itself"
        case "sms_toolong", "mms_toolong", "message_too_long":
            what = "VoIP.ms refused the text as too long"
        case "limit_reached":
            what = "the account reached VoIP.ms's limit of texts sent through the API (100 a day unless support raised it)"
        case "sms_failed", "mms_failed":
            what = "VoIP.ms could not send the text now"
        default:
            what = kind == .transient ? "VoIP.ms did not take the text now" : "VoIP.ms refused the text"
        }
        return exchange.redacted(TextSendError(
            kind, status: httpStatus, "\(what). VoIP.ms said: \(word)\(kind == .transient ? "; will retry later" : "")", code: word))
    }
}
