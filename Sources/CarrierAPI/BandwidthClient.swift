import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Sends SMS through Bandwidth's Messaging API v2 (`POST /api/v2/users/{accountId}/messages`);
/// several recipients make a group text.
///
/// Bandwidth posts delivery events to the messaging application's callback URL, set in its
/// dashboard: the API takes no callback per message, so ``OutgoingText/statusCallbackURL`` is not sent.
public final class BandwidthClient: TextSender {
    /// Bandwidth's limit of a group message: 10 participants, our number one of them.
    public static let maximumGroupSize = 9

    public let carrier = "bandwidth"
    public let supportsGroups = true
    /// Where the API is; Bandwidth's own unless a test points it elsewhere.
    public let baseURL: URL
    /// The Bandwidth account id. Not a secret.
    public let accountID: String
    /// The messaging application the sending numbers belong to. Not a secret.
    public let applicationID: String
    public let timeout: Duration
    private let authorization: String
    private let logger: Logger
    private let exchange: CarrierExchange

    /// - Parameters:
    ///   - baseURL: the API's root, without `/api/v2`.
    ///   - username: the API user's name.
    ///   - password: the API user's password. Never logged, never part of an error.
    ///   - applicationID: the messaging application (`applicationId`) of the sending number.
    ///   - logger: the caller's logger; the client adds debug lines only, never a credential or a text.
    public init(
        baseURL: URL = URL(string: "https://messaging.bandwidth.com")!,
        accountID: String,
        username: String,
        password: String,
        applicationID: String,
        httpClient: HTTPClient = .shared,
        timeout: Duration = .seconds(30),
        logger: Logger
    ) {
        self.baseURL = baseURL
        self.accountID = accountID
        self.applicationID = applicationID
        self.timeout = timeout
        self.logger = logger
        authorization = WireFormat.basic(username, password)
        exchange = CarrierExchange(
            carrierName: "Bandwidth", httpClient: httpClient, timeout: timeout,
            secrets: [password, String(WireFormat.basic(username, password).dropFirst("Basic ".count))])
    }

    /// `{baseURL}/api/v2/users/{accountId}/messages`.
    public var endpoint: String {
        WireFormat.join(baseURL, "/api/v2/users/\(WireFormat.percentEncoded(accountID))/messages")
    }

    public var endpointDescription: String { endpoint }

    public func send(_ text: OutgoingText) async throws(TextSendError) -> SentText {
        try checkRecipients(of: text, carrierName: "Bandwidth", groupLimit: Self.maximumGroupSize)
        guard let from = WireFormat.e164(text.from) else {
            throw TextSendError(.permanent, "the sending number \(text.from) is not an E.164 number; nothing was sent through Bandwidth")
        }
        let to = try exchange.e164(text.to)
        let document: [String: Any] = ["applicationId": applicationID, "to": to, "from": from, "text": text.body]
        let endpoint = endpoint
        var logger = logger
        logger[metadataKey: "sms_from"] = "\(text.from)"
        logger.debug("sending through Bandwidth", metadata: ["sms_to": "\(text.to)", "endpoint": "\(endpoint)"])
        let answer = try await exchange.postJSON(document, to: endpoint, authorization: authorization)
        return try exchange.sent(
            answer, logger: logger, refusal: { refusal($0, from: from, endpoint: endpoint) },
            messageID: { WireFormat.string($0.json?["id"]) })
    }

    /// The error for a refusal: Bandwidth's `{"type", "description", "fieldErrors"?: [{"fieldName", "description"}]}`.
    func refusal(_ answer: CarrierExchange.Answer, from: String, endpoint: String) -> TextSendError {
        guard let json = answer.json, json["type"] != nil || json["description"] != nil else {
            // Bandwidth's gateway answers some 401s and 5xx without its error document.
            if answer.status == 401 || answer.status == 403 || !answer.isSuccess && CarrierExchange.kind(forStatus: answer.status) == .transient {
                return describe(status: answer.status, type: nil, said: [], from: from)
            }
            return exchange.unreadable(answer, endpoint: endpoint)
        }
        var said = [WireFormat.string(json["description"])].compactMap { $0 }
        for field in json["fieldErrors"] as? [[String: Any]] ?? [] {
            let name = WireFormat.string(field["fieldName"]) ?? "?"
            said.append("\(name): \(WireFormat.string(field["description"]) ?? "invalid")")
        }
        return describe(status: answer.status, type: WireFormat.string(json["type"]), said: said, from: from)
    }

    private func describe(status: Int, type: String?, said: [String], from: String) -> TextSendError {
        let kind = CarrierExchange.kind(forStatus: status)
        let what: String
        switch status {
        case 401: what = "Bandwidth refused the credentials (HTTP 401); check the Bandwidth API user name and password"
        case 403:
            what = "Bandwidth refused the request (HTTP 403); check that the API user may send messages for account \(accountID) "
                + "and that \(from) belongs to application \(applicationID)"
        default:
            what = kind == .transient
                ? "Bandwidth did not take the text now (HTTP \(status))"
                : "Bandwidth refused the text (HTTP \(status))"
        }
        let words = said.isEmpty ? "" : " Bandwidth said: \"\(said.joined(separator: "; "))\""
        let retry = kind == .transient ? "; will retry later" : ""
        return exchange.redacted(TextSendError(
            kind, status: status, "\(what).\(words)\(type.map { " Error type \($0)" } ?? "")\(retry)", code: type))
    }
}
