import Foundation
import SMSRelayApp
import Testing

@Suite("Delivery concurrency and the SES send rate")
struct DeliverySettingsTests {
    static let ses = [
        "SMSRELAY_TRANSPORT": "ses", "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
    ]

    @Test("four messages are in flight at once unless SMSRELAY_DELIVERY_CONCURRENCY or --delivery-concurrency says otherwise")
    func concurrency() throws {
        #expect(try RelaySettings.load(environment: [:]).deliveryConcurrency == 4)
        #expect(try RelaySettings.load(environment: ["SMSRELAY_DELIVERY_CONCURRENCY": "16"]).deliveryConcurrency == 16)
        let flagged = try RelaySettings.load(flags: ["delivery_concurrency": "1"], environment: ["SMSRELAY_DELIVERY_CONCURRENCY": "16"])
        #expect(flagged.deliveryConcurrency == 1)
        #expect(SettingKey.deliveryConcurrency.flagName == "--delivery-concurrency")
        #expect(SettingKey.sesMaxSendRate.flagName == "--ses-max-send-rate")
    }

    @Test("a concurrency outside 1 to 64 is refused, naming the setting", arguments: ["0", "65", "many"])
    func invalidConcurrency(value: String) {
        let error = #expect(throws: ConfigError.self) { try RelaySettings.load(environment: ["SMSRELAY_DELIVERY_CONCURRENCY": value]) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("SMSRELAY_DELIVERY_CONCURRENCY"))
    }

    @Test("config check shows the concurrency and SES's send rate")
    func configCheck() throws {
        let report = try ConfigCheck.run(
            flags: [:], environment: Self.ses.merging(["SMSRELAY_SES_MAX_SEND_RATE": "2.5", "SMSRELAY_DELIVERY_CONCURRENCY": "8"]) { $1 },
            mode: .serve)
        #expect(report.contains("at most 2.5 messages a second"), "\(report)")
        #expect(report.contains("up to 8 messages at once, one at a time per conversation"), "\(report)")
    }

    @Test("a send rate SES cannot have is refused at start and by config check alike, naming the setting")
    func invalidRate() throws {
        let environment = Self.ses.merging(["SMSRELAY_SES_MAX_SEND_RATE": "0"]) { $1 }
        let start = #expect(throws: ConfigError.self) {
            _ = try RelayPlan(settings: try RelaySettings.load(environment: environment))
        }
        let check = #expect(throws: ConfigError.self) { _ = try ConfigCheck.run(flags: [:], environment: environment, mode: .serve) }
        #expect(start?.description.contains("SMSRELAY_SES_MAX_SEND_RATE=0") == true, "\(String(describing: start))")
        #expect(start?.description == check?.description)
    }
}
