import Foundation
import SMSRelayApp
import SMSRelayCore
import SMSRelayIntake
import Testing
import TestSupport

@Suite("Carrier settings")
struct CarrierSettingsTests {
    static let telnyxKey = Data(repeating: 1, count: 32).base64EncodedString()

    func error(_ environment: [String: String]) -> String? {
        do {
            _ = try RelaySettings.load(environment: environment)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("Flowroute alone by default; a carrier is on once a setting of its own is given, or as SMSRELAY_CARRIERS lists")
    func whichAreOn() throws {
        #expect(try RelaySettings.load(environment: [:]).carriers.enabled == [.flowroute])
        let some = try RelaySettings.load(environment: [
            "SMSRELAY_TWILIO_AUTH_TOKEN": "token", "SMSRELAY_VOIPMS_ALLOWED_CIDRS": "208.100.60.0/24",
        ])
        #expect(some.carriers.enabled == [.flowroute, .twilio, .voipms])
        let listed = try RelaySettings.load(environment: ["SMSRELAY_CARRIERS": " VoIPms , bandwidth ", "SMSRELAY_TWILIO_AUTH_TOKEN": "t"])
        #expect(listed.carriers.enabled == [.bandwidth, .voipms], "the list decides: Flowroute and Twilio are off")
        #expect(listed.carriers.intakes(token: "t", maxBodyBytes: 10, publicURL: nil).map(\.carrier) == [.bandwidth, .voipms])
    }

    @Test("a carrier that is on without its signature key, a bad key, an unknown carrier or half of a pair is refused, naming the setting")
    func refusals() {
        #expect(error(["SMSRELAY_CARRIERS": "flowroute,twilio"])?.contains("SMSRELAY_TWILIO_AUTH_TOKEN") == true)
        #expect(error(["SMSRELAY_TELNYX_API_KEY": "KEY"])?.contains("SMSRELAY_TELNYX_PUBLIC_KEY") == true)
        #expect(error(["SMSRELAY_TELNYX_PUBLIC_KEY": "c2hvcnQ="])?.contains("32-byte Ed25519") == true)
        #expect(error(["SMSRELAY_CARRIERS": "flowroute,sprint"])?.contains("SMSRELAY_CARRIERS") == true)
        #expect(error(["SMSRELAY_BANDWIDTH_CALLBACK_USERNAME": "relay"])?.contains("SMSRELAY_BANDWIDTH_CALLBACK_PASSWORD") == true)
        #expect(error(["SMSRELAY_VOIPMS_ALLOWED_CIDRS": "208.100.60.0/33"])?.contains("SMSRELAY_VOIPMS_ALLOWED_CIDRS") == true)
        #expect(error(["SMSRELAY_TWILIO_AUTH_TOKEN": "t", "SMSRELAY_TWILIO_API_URL": "http://api.example.com"])?.contains("SMSRELAY_TWILIO_API_URL") == true)
    }

    @Test("with replies on, each carrier that is on needs its API credentials; Flowroute's only when it is on")
    func replies() throws {
        let base = ["SMSRELAY_REPLY_DOMAIN": "sms.example.com", "SMSRELAY_REPLY_SECRET": "reply-secret-0123456789"]
        let twilio = error(base.merging(["SMSRELAY_CARRIERS": "twilio", "SMSRELAY_TWILIO_AUTH_TOKEN": "t"]) { $1 })
        #expect(twilio?.contains("SMSRELAY_TWILIO_ACCOUNT_SID") == true, "\(twilio ?? "")")
        let bandwidth = error(base.merging(["SMSRELAY_CARRIERS": "bandwidth", "SMSRELAY_BANDWIDTH_USERNAME": "u"]) { $1 })
        #expect(bandwidth?.contains("SMSRELAY_BANDWIDTH_ACCOUNT_ID") == true && bandwidth?.contains("SMSRELAY_BANDWIDTH_APPLICATION_ID") == true)
        // Telnyx alone, Flowroute off: no Flowroute keys asked for.
        let telnyx = try RelaySettings.load(environment: base.merging([
            "SMSRELAY_CARRIERS": "telnyx", "SMSRELAY_TELNYX_PUBLIC_KEY": Self.telnyxKey, "SMSRELAY_TELNYX_API_KEY": "KEY0",
        ]) { $1 })
        #expect(telnyx.carriers.enabled == [.telnyx])
        #expect(error(base)?.contains("SMSRELAY_FLOWROUTE_ACCESS_KEY") == true)
    }

    @Test("a secret can come from the file SMSRELAY_<NAME>_FILE names; the variable itself wins; a missing file is an error")
    func secretFiles() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("twilio")
            try Data("  file-token-0123\n".utf8).write(to: file)
            let fromFile = try RelaySettings.load(environment: ["SMSRELAY_TWILIO_AUTH_TOKEN_FILE": file.path])
            #expect(fromFile.carriers.twilio.authToken == "file-token-0123")
            #expect(fromFile.carriers.enabled.contains(.twilio))
            let both = try RelaySettings.load(environment: ["SMSRELAY_TWILIO_AUTH_TOKEN_FILE": file.path, "SMSRELAY_TWILIO_AUTH_TOKEN": "env-token"])
            #expect(both.carriers.twilio.authToken == "env-token")
            let missing = error(["SMSRELAY_TELNYX_API_KEY_FILE": dir.appendingPathComponent("absent").path])
            #expect(missing?.contains("SMSRELAY_TELNYX_API_KEY_FILE") == true)
        }
    }

    @Test("the media credentials go to Bandwidth's and Twilio's API hosts, and only when those carriers are on")
    func mediaCredentials() throws {
        let settings = try RelaySettings.load(environment: [
            "SMSRELAY_BANDWIDTH_USERNAME": "u", "SMSRELAY_BANDWIDTH_PASSWORD": "p",
            "SMSRELAY_TWILIO_ACCOUNT_SID": "AC1", "SMSRELAY_TWILIO_AUTH_TOKEN": "t",
        ])
        #expect(settings.carriers.mediaCredentials.map { "\($0.host):\($0.port)" } == ["messaging.bandwidth.com:443", "api.twilio.com:443"])
        let off = try RelaySettings.load(environment: ["SMSRELAY_CARRIERS": "flowroute", "SMSRELAY_BANDWIDTH_USERNAME": "u", "SMSRELAY_BANDWIDTH_PASSWORD": "p"])
        #expect(off.carriers.mediaCredentials.isEmpty)
    }
}
