import Foundation
@testable import SMSRelayApp
import SMSRelayCore
import Testing

@Suite("Time zone and contacts settings")
struct ReadableSettingsTests {
    func withConfigFile<T>(_ yaml: String, _ body: (String) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rd-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("relay.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try body(path)
    }

    func refused(_ environment: [String: String], flags: [String: String] = [:], saying expected: String) {
        #expect {
            _ = try RelaySettings.load(flags: flags, environment: environment)
        } throws: { error in
            let text = (error as? ConfigError)?.description ?? ""
            let found = text.contains(expected)
            if !found { Issue.record("error was: \(text)") }
            return found
        }
    }

    @Test("the time zone is UTC by default, and is read from the flag, the environment and the file, in that order")
    func timeZone() throws {
        #expect(try RelaySettings.load(environment: [:]).timeZone.name == "UTC")
        try withConfigFile("timezone: Asia/Tokyo\n") { path in
            #expect(try RelaySettings.load(environment: ["SMSRELAY_CONFIG": path]).timeZone.name == "Asia/Tokyo")
            let environment = ["SMSRELAY_CONFIG": path, "SMSRELAY_TIMEZONE": "Europe/Paris"]
            #expect(try RelaySettings.load(environment: environment).timeZone.name == "Europe/Paris")
            let flagged = try RelaySettings.load(flags: ["timezone": "America/New_York"], environment: environment)
            #expect(flagged.timeZone.name == "America/New_York")
            #expect(flagged.timeZone.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 1_795_588_200)) == -5 * 3600)
        }
        #expect(SettingKey.timeZone.environmentName == "SMSRELAY_TIMEZONE")
        #expect(SettingKey.timeZone.flagName == "--timezone")
    }

    @Test("an unknown time zone stops the start, naming the setting")
    func unknownTimeZone() {
        refused(
            ["SMSRELAY_TIMEZONE": "Europe/Atlantis"],
            saying: "SMSRELAY_TIMEZONE (--timezone, or 'timezone' in the config file) is 'Europe/Atlantis'; "
                + "expected an IANA time zone name such as UTC, Europe/Paris or America/New_York")
        #expect(throws: ConfigError.self) { try ConfigCheck.run(flags: ["timezone": "Not/AZone"], environment: [:], mode: .serve) }
    }

    @Test("contacts come from the config file, for every route and per route, matched on digits")
    func contacts() throws {
        let yaml = """
            mail_to: me@example.com
            contacts:
              "+1 206-555-0100": Alice
              "12065550101": "  Bob  "
            routes:
              "12066418000":
                to: work@example.com
                contacts:
                  "12065550101": Robert (work)
                  "447911123456": Zoë
            """
        try withConfigFile(yaml) { path in
            let settings = try RelaySettings.load(environment: ["SMSRELAY_CONFIG": path])
            let plain = settings.routing.route(for: "12065559999")
            #expect(plain.contactName(for: "12065550100") == "Alice")
            #expect(plain.contactName(for: "+1 (206) 555-0101") == "Bob")
            #expect(plain.contactName(for: "447911123456") == nil)
            let work = settings.routing.route(for: "+1 206 641 8000")
            #expect(work.contactName(for: "12065550100") == "Alice")
            #expect(work.contactName(for: "12065550101") == "Robert (work)")
            #expect(work.contactName(for: "+44 7911 123456") == "Zoë")

            let report = try ConfigCheck.run(flags: [:], environment: ["SMSRELAY_CONFIG": path, "SMSRELAY_TIMEZONE": "Europe/Paris"], mode: .serve)
            #expect(report.contains("  contacts        2 for every route, 2 in routes of their own"))
            #expect(report.contains("  times           Europe/Paris (now "))
        }
    }

    @Test("a contact that is not a name, or not under a number, is refused with the file and the place", arguments: [
        ("contacts: [Alice]\n", "'contacts' must map numbers to names"),
        ("contacts:\n  \"12065550100\": [a, b]\n", "'contacts.12065550100' must be a name"),
        ("contacts:\n  \"12065550100\": \"\"\n", "the name of 12065550100 in 'contacts' must be one line"),
        ("contacts:\n  \"12065550100\": \"Eve\\r\\nBcc: x@y\"\n", "the name of 12065550100 in 'contacts' must be one line"),
        ("routes:\n  \"12066418000\":\n    contacts:\n      \"12065550100\": \"\(String(repeating: "x", count: 101))\"\n",
         "in 'routes.12066418000.contacts' must be one line of 1 to 100 characters"),
    ])
    func badContacts(yaml: String, expected: String) throws {
        try withConfigFile(yaml) { path in
            refused(["SMSRELAY_CONFIG": path], saying: expected)
        }
    }
}
