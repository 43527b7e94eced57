import CarrierAPI
import Foundation
import Logging
import MediaFetch
import SMSRelayCore
import SMSRelayIntake

/// Which carriers the relay takes callbacks from, how it checks that each callback is the
/// carrier's, and the API credentials replies go out with. Each carrier's settings are named in
/// its own words (`SMSRELAY_TWILIO_AUTH_TOKEN`, `SMSRELAY_TELNYX_PUBLIC_KEY`, …) and checked at
/// start-up only for the carriers that are on.
public struct CarrierSettings: Sendable {
    /// The carriers whose callback URLs are open, in ``Carrier`` order.
    public var enabled: [Carrier]
    public var twilio: Twilio
    public var telnyx: Telnyx
    public var bandwidth: Bandwidth
    public var voipms: Voipms

    public struct Twilio: Sendable, Equatable {
        public var accountSID: String?
        public var authToken: String?
        public var apiURL: URL
        public static let defaultAPIURL = URL(string: "https://api.twilio.com")!
    }

    public struct Telnyx: Sendable, Equatable {
        public var apiKey: String?
        /// The Ed25519 public key, base64, as the portal shows it (checked to be 32 bytes).
        public var publicKey: String?
        public var apiURL: URL
        public static let defaultAPIURL = URL(string: "https://api.telnyx.com")!
    }

    public struct Bandwidth: Sendable, Equatable {
        public var accountID: String?
        public var username: String?
        public var password: String?
        public var applicationID: String?
        public var callbackUsername: String?
        public var callbackPassword: String?
        public var apiURL: URL
        public static let defaultAPIURL = URL(string: "https://messaging.bandwidth.com")!
    }

    public struct Voipms: Sendable, Equatable {
        public var apiUsername: String?
        public var apiPassword: String?
        public var apiURL: URL
        public var allowedSources: [SourceAddressRange]
        public static let defaultAPIURL = URL(string: "https://voip.ms")!
    }

    /// The intake of each carrier that is on, sharing the token and the size limit.
    /// - Parameter publicURL: the configured public URL, which Twilio's signature covers; nil
    ///   reads it from the `Host` header (https, or http).
    public func intakes(token: String?, maxBodyBytes: Int, publicURL: String?) -> [CallbackIntake] {
        enabled.map { carrier in
            CallbackIntake(carrier: carrier, token: token, maxBodyBytes: maxBodyBytes, authenticator: authenticator(for: carrier, publicURL: publicURL))
        }
    }

    /// How a callback of `carrier` proves it is the carrier's; nil where nothing is configured.
    public func authenticator(for carrier: Carrier, publicURL: String?) -> (any CallbackAuthenticator)? {
        switch carrier {
        case .flowroute:
            return nil
        case .twilio:
            return twilio.authToken.map { TwilioSignature(authToken: $0, publicURL: publicURL) }
        case .telnyx:
            return telnyx.publicKey.flatMap(TelnyxSignature.publicKey(base64:)).map { TelnyxSignature(publicKey: $0) }
        case .bandwidth:
            guard let username = bandwidth.callbackUsername, let password = bandwidth.callbackPassword else { return nil }
            return BasicAuthentication(username: username, password: password)
        case .voipms:
            return voipms.allowedSources.isEmpty ? nil : SourceAddressCheck(ranges: voipms.allowedSources)
        }
    }

    /// The settings of each carrier, by carrier: what makes it count as configured.
    static let keys: [Carrier: [SettingKey]] = [
        .flowroute: [.flowrouteAccessKey, .flowrouteSecretKey],
        .twilio: [.twilioAccountSID, .twilioAuthToken],
        .telnyx: [.telnyxAPIKey, .telnyxPublicKey],
        .bandwidth: [.bandwidthAccountID, .bandwidthUsername, .bandwidthPassword, .bandwidthApplicationID, .bandwidthCallbackUsername, .bandwidthCallbackPassword],
        .voipms: [.voipmsAPIUsername, .voipmsAPIPassword, .voipmsAllowedCIDRs],
    ]

    /// The settings replies through `carrier` need.
    static let replyKeys: [Carrier: [SettingKey]] = [
        .flowroute: [.flowrouteAccessKey, .flowrouteSecretKey],
        .twilio: [.twilioAccountSID, .twilioAuthToken],
        .telnyx: [.telnyxAPIKey],
        .bandwidth: [.bandwidthAccountID, .bandwidthUsername, .bandwidthPassword, .bandwidthApplicationID],
        .voipms: [.voipmsAPIUsername, .voipmsAPIPassword],
    ]
}

extension CarrierSettings {
    /// Reads and checks the carrier settings.
    /// - Parameter repliesOn: whether replies are on (a reply domain is set): then every carrier
    ///   that is on needs its API credentials.
    static func load(_ source: Source, repliesOn: Bool) throws -> CarrierSettings {
        let enabled: [Carrier]
        if let list = try source.optional(.carriers) {
            var chosen: Set<Carrier> = []
            for name in list.split(separator: ",") where !name.trimmingBlanks().isEmpty {
                guard let carrier = Carrier(named: name) else {
                    throw ConfigError.invalid(.carriers, list, expected: "a comma-separated list of \(Carrier.names)")
                }
                chosen.insert(carrier)
            }
            guard !chosen.isEmpty else {
                throw ConfigError.invalid(.carriers, list, expected: "at least one carrier")
            }
            enabled = Carrier.allCases.filter(chosen.contains)
        } else {
            var configured: [Carrier] = []
            for carrier in Carrier.allCases {
                let hasSetting = try keys[carrier, default: []].contains { try source.optional($0) != nil }
                if carrier == .flowroute || hasSetting { configured.append(carrier) }
            }
            enabled = configured
        }

        let settings = CarrierSettings(
            enabled: enabled,
            twilio: Twilio(
                accountSID: try source.optional(.twilioAccountSID), authToken: try source.optional(.twilioAuthToken),
                apiURL: try apiURL(source, .twilioAPIURL, default: Twilio.defaultAPIURL)),
            telnyx: Telnyx(
                apiKey: try source.optional(.telnyxAPIKey), publicKey: try source.optional(.telnyxPublicKey),
                apiURL: try apiURL(source, .telnyxAPIURL, default: Telnyx.defaultAPIURL)),
            bandwidth: Bandwidth(
                accountID: try source.optional(.bandwidthAccountID), username: try source.optional(.bandwidthUsername),
                password: try source.optional(.bandwidthPassword), applicationID: try source.optional(.bandwidthApplicationID),
                callbackUsername: try source.optional(.bandwidthCallbackUsername),
                callbackPassword: try source.optional(.bandwidthCallbackPassword),
                apiURL: try apiURL(source, .bandwidthAPIURL, default: Bandwidth.defaultAPIURL)),
            voipms: Voipms(
                apiUsername: try source.optional(.voipmsAPIUsername), apiPassword: try source.optional(.voipmsAPIPassword),
                apiURL: try apiURL(source, .voipmsAPIURL, default: Voipms.defaultAPIURL),
                allowedSources: try ranges(source)))
        try settings.check(repliesOn: repliesOn, source: source)
        return settings
    }

    /// What a carrier that is on needs: its signature key, and with replies on its API credentials.
    private func check(repliesOn: Bool, source: Source) throws {
        if enabled.contains(.twilio), twilio.authToken == nil {
            throw ConfigError(
                "Twilio's callbacks are on, but \(SettingKey.twilioAuthToken.environmentName) is not set: the relay checks every "
                    + "callback's X-Twilio-Signature with it (the console's Account Info › Auth Token)")
        }
        if enabled.contains(.telnyx) {
            guard let key = telnyx.publicKey else {
                throw ConfigError(
                    "Telnyx's callbacks are on, but \(SettingKey.telnyxPublicKey.environmentName) is not set: the relay checks every "
                        + "callback's signature with it (the portal's Keys & Credentials › Public Key)")
            }
            guard TelnyxSignature.publicKey(base64: key) != nil else {
                throw ConfigError.invalid(.telnyxPublicKey, key, expected: "the base64 of a 32-byte Ed25519 public key, as Telnyx's portal shows it")
            }
        }
        if (bandwidth.callbackUsername == nil) != (bandwidth.callbackPassword == nil) {
            throw ConfigError(
                "set both \(SettingKey.bandwidthCallbackUsername.environmentName) and \(SettingKey.bandwidthCallbackPassword.environmentName) "
                    + "(the callback credentials of Bandwidth's application), or neither")
        }
        guard repliesOn else { return }
        for carrier in enabled where carrier != .flowroute {
            let missing = try Self.replyKeys[carrier, default: []].filter { try source.optional($0) == nil }
            guard missing.isEmpty else {
                throw ConfigError(
                    "\(SettingKey.replyDomain.environmentName) is set, so replies go back through each carrier that is on, but "
                        + "\(carrier.displayName) is on without \(missing.map(\.environmentName).joined(separator: ", ")); set "
                        + (missing.count == 1 ? "it" : "them") + ", or leave \(carrier.rawValue) out of \(SettingKey.carriers.environmentName)")
            }
        }
    }

    private static func apiURL(_ source: Source, _ key: SettingKey, default url: URL) throws -> URL {
        guard let text = try source.optional(key) else { return url }
        guard let parsed = URL(string: text), FlowrouteSettings.isAcceptable(parsed) else {
            throw ConfigError.invalid(key, text, expected: "an https:// URL (http:// only to localhost or 127.0.0.1, for tests)")
        }
        return parsed
    }

    private static func ranges(_ source: Source) throws -> [SourceAddressRange] {
        guard let text = try source.optional(.voipmsAllowedCIDRs) else { return [] }
        return try text.split(separator: ",").map { $0.trimmingBlanks() }.filter { !$0.isEmpty }.map { block in
            guard let range = SourceAddressRange(block) else {
                throw ConfigError.invalid(.voipmsAllowedCIDRs, text, expected: "address blocks such as 208.100.60.0/24 or 2001:db8::/32, comma-separated")
            }
            return range
        }
    }
}

extension CarrierSettings {
    /// A sender for each carrier that is on and has its API credentials, by carrier tag; replies
    /// through a carrier without one wait (server) or are refused (Lambda).
    package func senders(flowroute: FlowrouteSettings, logger base: Logger) -> [String: any TextSender] {
        var senders: [String: any TextSender] = [:]
        func logger(_ carrier: Carrier) -> Logger {
            var tagged = base
            tagged[metadataKey: "component"] = "\(carrier.rawValue)"
            return tagged
        }
        for carrier in enabled {
            let sender: (any TextSender)?
            switch carrier {
            case .flowroute:
                sender = flowroute.client(logger: logger(carrier)).map(FlowrouteTextSender.init(client:))
            case .twilio:
                sender = twilio.accountSID.flatMap { sid in
                    twilio.authToken.map { TwilioClient(baseURL: twilio.apiURL, accountSID: sid, authToken: $0, logger: logger(carrier)) }
                }
            case .telnyx:
                sender = telnyx.apiKey.map { TelnyxClient(baseURL: telnyx.apiURL, apiKey: $0, logger: logger(carrier)) }
            case .bandwidth:
                if let account = bandwidth.accountID, let username = bandwidth.username, let password = bandwidth.password,
                   let application = bandwidth.applicationID
                {
                    sender = BandwidthClient(
                        baseURL: bandwidth.apiURL, accountID: account, username: username, password: password,
                        applicationID: application, logger: logger(carrier))
                } else {
                    sender = nil
                }
            case .voipms:
                sender = voipms.apiUsername.flatMap { user in
                    voipms.apiPassword.map { VoipmsClient(baseURL: voipms.apiURL, username: user, password: $0, logger: logger(carrier)) }
                }
            }
            if let sender { senders[carrier.rawValue] = sender }
        }
        return senders
    }
}

extension CarrierSettings {
    /// The credentials carriers keep their MMS media behind, each for its own API host only:
    /// Bandwidth's API user (its media URLs are on its messaging API), Twilio's account (when
    /// the account asks for authentication on media).
    package var mediaCredentials: [MediaCredential] {
        var credentials: [MediaCredential] = []
        func port(of url: URL) -> Int { url.port ?? (url.scheme?.lowercased() == "http" ? 80 : 443) }
        if enabled.contains(.bandwidth), let username = bandwidth.username, let password = bandwidth.password,
           let host = bandwidth.apiURL.host
        {
            credentials.append(MediaCredential(host: host, port: port(of: bandwidth.apiURL), username: username, password: password))
        }
        if enabled.contains(.twilio), let sid = twilio.accountSID, let token = twilio.authToken, let host = twilio.apiURL.host {
            credentials.append(MediaCredential(host: host, port: port(of: twilio.apiURL), username: sid, password: token))
        }
        return credentials
    }
}
