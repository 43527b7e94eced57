import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Sends SMS through Telnyx's Messaging API v2 (`POST /v2/messages`), and group texts as a
/// group MMS (`POST /v2/messages/group_mms`, up to 8 recipients).
public final class TelnyxClient: TextSender {
    public let carrier = "telnyx"
    public let supportsGroups = true
    /// Telnyx's limit of recipients in a group MMS.
    public static let maximumGroupSize = 8
    /// Where the API is; Telnyx's own unless a test points it elsewhere.
    public let baseURL: URL
    /// The messaging profile sent with each text, when the sending number's is not to be used.
    public let messagingProfileID: String?
    public let timeout: Duration
    private let authorization: String
    private let logger: Logger
    private let exchange: CarrierExchange

    /// - Parameters:
    ///   - baseURL: the API's root, without `/v2`.
    ///   - apiKey: a Telnyx API key (`KEY…`). Never logged, never part of an error.
    ///   - messagingProfileID: sent as `messaging_profile_id` when given.
    ///   - logger: the caller's logger; the client adds debug lines only, never a credential or a text.
    public init(
        baseURL: URL = URL(string: "https://api.telnyx.com")!,
        apiKey: String,
        messagingProfileID: String? = nil,
        httpClient: HTTPClient = .shared,
        timeout: Duration = .seconds(30),
        logger: Logger
    ) {
        self.baseURL = baseURL
        self.messagingProfileID = messagingProfileID
        self.timeout = timeout
        self.logger = logger
        authorization = "Bearer \(apiKey)"
        exchange = CarrierExchange(carrierName: "Telnyx", httpClient: httpClient, timeout: timeout, secrets: [apiKey])
    }

    /// `{baseURL}/v2/messages`.
    public var endpoint: String { WireFormat.join(baseURL, "/v2/messages") }

    /// `{baseURL}/v2/messages/group_mms`.
    public var groupEndpoint: String { WireFormat.join(baseURL, "/v2/messages/group_mms") }

    public var endpointDescription: String { endpoint }

    public func send(_ text: OutgoingText) async throws(TextSendError) -> SentText {
        try checkRecipients(of: text, carrierName: "Telnyx", groupLimit: Self.maximumGroupSize)
        guard let from = WireFormat.e164(text.from) else {
            throw TextSendError(.permanent, "the sending number \(text.from) is not an E.164 number; nothing was sent through Telnyx")
        }
        let to = try exchange.e164(text.to)
        let isGroup = to.count > 1
        var document: [String: Any] = ["from": from, "to": isGroup ? to as Any : to[0] as Any, "text": text.body]
        if let callback = text.statusCallbackURL { document["webhook_url"] = callback }
        if let messagingProfileID { document["messaging_profile_id"] = messagingProfileID }
        let endpoint = isGroup ? groupEndpoint : endpoint
        var logger = logger
        logger[metadataKey: "sms_from"] = "\(text.from)"
        logger.debug("sending through Telnyx", metadata: ["sms_to": "\(text.to)", "endpoint": "\(endpoint)"])
        let answer = try await exchange.postJSON(document, to: endpoint, authorization: authorization)
        return try exchange.sent(
            answer, logger: logger, refusal: { refusal($0, from: from, endpoint: endpoint) },
            messageID: { WireFormat.string(($0.json?["data"] as? [String: Any])?["id"]) })
    }

    /// The error for a refusal: Telnyx's `{"errors": [{"code", "title", "detail"}]}`.
    func refusal(_ answer: CarrierExchange.Answer, from: String, endpoint: String) -> TextSendError {
        guard let errors = answer.json?["errors"] as? [[String: Any]], let first = errors.first else {
            return exchange.unreadable(answer, endpoint: endpoint)
        }
        let code = WireFormat.string(first["code"])
        let said = errors.map { error in
            [WireFormat.string(error["title"]), WireFormat.string(error["detail"])].compactMap { $0 }.joined(separator: ": ")
        }.filter { !$0.isEmpty }
        // 10008 request timeout, 10011 too many requests: whatever the status, later may work.
        let kind: TextSendError.Kind = ["10008", "10011"].contains(code) ? .transient : CarrierExchange.kind(forStatus: answer.status)
        let what: String
        switch (code ?? "", answer.status) {
        case ("10009", _), (_, 401):
            what = "Telnyx refused the API key (authentication failed); check the Telnyx API key"
        case ("10010", _), (_, 403):
            what = "Telnyx refused the request (not authorised); check that the API key's account owns \(from) and may send from it"
        case ("40300", _):
            what = "Telnyx will not send to this recipient: they unsubscribed by replying STOP"
        default:
            what = kind == .transient
                ? "Telnyx did not take the text now (HTTP \(answer.status))"
                : "Telnyx refused the text (HTTP \(answer.status))"
        }
        let words = said.isEmpty ? "" : " Telnyx said: \"\(said.joined(separator: "; "))\""
        let retry = kind == .transient ? "; will retry later" : ""
        return exchange.redacted(TextSendError(
            kind, status: answer.status, "\(what).\(words)\(code.map { " Error \($0)" } ?? "")\(retry)", code: code))
    }
}
