import SMSRelayCore
import SMSRelayLambdaApp
extension RelaySettings {
    /// The callback URL to paste into the carrier's settings: the public URL, `/<carrier>/` and
    /// the token. It holds the secret token: print it only when asked.
    /// - Parameter port: the port the server listens on, when it differs from the configured one
    ///   (`SMSRELAY_PORT=0`); it replaces the port of a public URL derived from host and port.
    public func callbackURL(token: String, port: Int? = nil, carrier: Carrier = .flowroute) -> String {
        var base = publicURL
        if let port, self.port != port, base.hasSuffix(":\(self.port)") {
            base = String(base.dropLast("\(self.port)".count)) + "\(port)"
        }
        return "\(base)/\(carrier.rawValue)/\(token)"
    }

    /// The callback URL with the token hidden, for logs.
    public func redactedCallbackURL(token: String, port: Int? = nil, carrier: Carrier = .flowroute) -> String {
        callbackURL(token: WebhookToken.redacted(token), port: port, carrier: carrier)
    }
}

extension RelaySettings {
    /// The relay's version, for `--version`.
    public static var version: String { SMSRelayVersion.current }
}
