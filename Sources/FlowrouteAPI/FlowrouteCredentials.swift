import Foundation

/// The API credentials of a Flowroute account: the access key (Flowroute's "tech prefix") and
/// its secret key, from the Manage portal's Preferences › API Control.
///
/// They are sent as HTTP Basic authentication. ``description`` and the mirror `dump` shows never
/// contain the secret.
public struct FlowrouteCredentials: Sendable {
    /// The API user name: the account's access key.
    public var accessKey: String
    /// The API password. Never logged, never part of an error.
    public var secretKey: String

    /// How errors name the two settings, so a refused credential says what to change.
    public var settingNames: SettingNames

    public init(accessKey: String, secretKey: String, settingNames: SettingNames = .environment) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.settingNames = settingNames
    }

    /// The names of the settings the credentials come from, as the user writes them.
    public struct SettingNames: Sendable, Equatable {
        public var accessKey: String
        public var secretKey: String

        public init(accessKey: String, secretKey: String) {
            self.accessKey = accessKey
            self.secretKey = secretKey
        }

        /// The relay's environment variables: `SMSRELAY_FLOWROUTE_ACCESS_KEY` and `SMSRELAY_FLOWROUTE_SECRET_KEY`.
        public static let environment = SettingNames(
            accessKey: "SMSRELAY_FLOWROUTE_ACCESS_KEY", secretKey: "SMSRELAY_FLOWROUTE_SECRET_KEY")
    }

    /// The value of the `Authorization` header: `Basic base64(access:secret)`.
    var authorization: String {
        "Basic " + Data("\(accessKey):\(secretKey)".utf8).base64EncodedString()
    }
}

extension FlowrouteCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The access key and a placeholder for the secret, safe to log.
    public var description: String {
        "FlowrouteCredentials(accessKey: \(accessKey), secretKey: <redacted>)"
    }

    public var debugDescription: String { description }

    /// What `dump` and the debugger see: the secret redacted.
    public var customMirror: Mirror {
        Mirror(self, children: ["accessKey": accessKey, "secretKey": "<redacted>"], displayStyle: .struct)
    }
}
