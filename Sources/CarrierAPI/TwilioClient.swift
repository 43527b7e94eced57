import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Sends SMS through Twilio's Programmable Messaging API (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`),
/// or through SignalWire's Compatibility API, which speaks the same.
///
/// For SignalWire, give the space as the base URL (`https://example.signalwire.com`): a
/// `*.signalwire.com` base without a path gets SignalWire's `/api/laml` prefix; any other base
/// is used as given. Twilio sends to one recipient a message: ``supportsGroups`` is false.
public final class TwilioClient: TextSender {
    public let carrier = "twilio"
    public let supportsGroups = false
    /// Where the API is; Twilio's own unless a test or a SignalWire space points it elsewhere.
    public let baseURL: URL
    /// The account (SignalWire: project) the messages go out on. Not a secret.
    public let accountSID: String
    /// How long one send may take, waiting for a connection included.
    public let timeout: Duration
    private let logger: Logger
    private let exchange: CarrierExchange

    /// - Parameters:
    ///   - baseURL: the API's root, without `/2010-04-01`; a SignalWire space's address for SignalWire.
    ///   - accountSID: the Account SID (`AC…`), or the SignalWire project id.
    ///   - authToken: the account's auth token (SignalWire: API token). Never logged, never part of an error.
    ///   - logger: the caller's logger; the client adds debug lines only, never a credential or a text.
    public init(
        baseURL: URL = URL(string: "https://api.twilio.com")!,
        accountSID: String,
        authToken: String,
        httpClient: HTTPClient = .shared,
        timeout: Duration = .seconds(30),
        logger: Logger
    ) {
        self.baseURL = baseURL
        self.accountSID = accountSID
        self.timeout = timeout
        self.logger = logger
        let isSignalWire = baseURL.host?.lowercased().hasSuffix(".signalwire.com") ?? false
        exchange = CarrierExchange(
            carrierName: isSignalWire ? "SignalWire" : "Twilio", httpClient: httpClient, timeout: timeout,
            secrets: [authToken, WireFormat.percentEncoded(authToken), String(WireFormat.basic(accountSID, authToken).dropFirst("Basic ".count))])
        authorization = WireFormat.basic(accountSID, authToken)
    }

    private let authorization: String

    /// The Messages resource: `{baseURL}[/api/laml]/2010-04-01/Accounts/{AccountSid}/Messages.json`.
    public var endpoint: String {
        let prefix = exchange.carrierName == "SignalWire" && (baseURL.path.isEmpty || baseURL.path == "/") ? "/api/laml" : ""
        return WireFormat.join(baseURL, "\(prefix)/2010-04-01/Accounts/\(WireFormat.percentEncoded(accountSID))/Messages.json")
    }

    public var endpointDescription: String { endpoint }

    public func send(_ text: OutgoingText) async throws(TextSendError) -> SentText {
        let name = exchange.carrierName
        try checkRecipients(of: text, carrierName: name)
        guard let from = WireFormat.e164(text.from) else {
            throw TextSendError(.permanent, "the sending number \(text.from) is not an E.164 number; nothing was sent through \(name)")
        }
        guard let to = WireFormat.e164(text.to[0]) else {
            throw TextSendError(.permanent, "the recipient \(text.to[0]) is not an E.164 number; nothing was sent through \(name)")
        }
        var fields = [("To", to), ("From", from), ("Body", text.body)]
        if let callback = text.statusCallbackURL { fields.append(("StatusCallback", callback)) }

        let endpoint = endpoint
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: WireFormat.form(fields)))

        var logger = logger
        logger[metadataKey: "sms_from"] = "\(text.from)"
        logger.debug("sending through \(name)", metadata: ["sms_to": "\(text.to[0])", "endpoint": "\(endpoint)"])
        let answer = try await exchange.perform(request, endpoint: endpoint)
        return try exchange.sent(
            answer, logger: logger, refusal: { refusal($0, from: from, to: to, endpoint: endpoint) },
            messageID: { WireFormat.string($0.json?["sid"]) })
    }

    /// The error for a refusal: Twilio's `{"code", "message", "more_info", "status"}`, with advice for the codes a relay meets.
    func refusal(_ answer: CarrierExchange.Answer, from: String, to: String, endpoint: String) -> TextSendError {
        let name = exchange.carrierName
        guard let json = answer.json, json["code"] != nil || json["message"] != nil else {
            return exchange.unreadable(answer, endpoint: endpoint)
        }
        let code = WireFormat.string(json["code"])
        let words = WireFormat.string(json["message"]).map { " \(name) said: \"\($0)\"" } ?? ""
        let link = WireFormat.string(json["more_info"]).map { " (\($0))" } ?? ""
        let kind: TextSendError.Kind = code == "20429" ? .transient : CarrierExchange.kind(forStatus: answer.status)
        let what: String
        switch code ?? "" {
        case "21610":
            what = "\(name) will not send to \(to): the recipient unsubscribed by replying STOP; they must reply START before this number can text them again"
        case "21211":
            what = "\(name) refused the To number \(to) as invalid; check the recipient's number"
        case "21606", "21212":
            what = "\(name) refused the From number \(from): it is not a number of this account that can send SMS; check the number in the \(name) console"
        case "20003":
            what = "\(name) refused the credentials (authentication failed); check the account SID and the auth token"
        default:
            switch answer.status {
            case 401: what = "\(name) refused the credentials (HTTP 401); check the account SID and the auth token"
            case 403: what = "\(name) refused the request (HTTP 403): the account may not send from \(from) or to \(to)"
            case 404: what = "\(name) has no Messages resource at \(endpoint) (HTTP 404); check the account SID and the base URL"
            default:
                what = kind == .transient
                    ? "\(name) did not take the text now (HTTP \(answer.status))"
                    : "\(name) refused the text (HTTP \(answer.status))"
            }
        }
        let retry = kind == .transient ? "; will retry later" : ""
        return exchange.redacted(TextSendError(
            kind, status: answer.status, "\(what).\(words)\(code.map { " Error \($0)" } ?? "")\(link)\(retry)", code: code))
    }
}
