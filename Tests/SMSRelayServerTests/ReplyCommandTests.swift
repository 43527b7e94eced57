import Foundation
import Testing
import TestSupport

@Suite("smsrelay send-sms and reply as processes, without a server")
struct ReplyCommandTests {
    static func environment(_ flowroute: FakeFlowrouteAPI, data: URL, secretKey: String? = nil) -> [String: String] {
        [
            "SMSRELAY_DATA_DIR": data.path,
            "SMSRELAY_REPLY_DOMAIN": "sms.example.com",
            "SMSRELAY_FLOWROUTE_API_URL": flowroute.baseURL.absoluteString,
            "SMSRELAY_FLOWROUTE_ACCESS_KEY": flowroute.accessKey,
            "SMSRELAY_FLOWROUTE_SECRET_KEY": secretKey ?? flowroute.secretKey,
        ]
    }

    @Test("send-sms sends one SMS and prints Flowroute's id; refused credentials exit 1 naming the setting, not the key")
    func sendSMS() async throws {
        try await withTemporaryDirectory { dir in
            try await FakeFlowrouteAPI.with { flowroute in
                let sent = try await CommandRun(
                    ["send-sms", "--to", "+1 855 356 9768", "--from", "12066418000", "Testing the keys"],
                    environment: Self.environment(flowroute, data: dir))
                #expect(sent.status == 0, "\(sent.stderr)")
                #expect(sent.stdout.contains("Flowroute's id for the message: mdr2-"), "\(sent.stdout)")
                let request = try #require(try await flowroute.requests().first)
                #expect(request.attributes["to"] == "18553569768")
                #expect(request.attributes["body"] == "Testing the keys")
                #expect(request.attributeNames.contains("dlr_callback") == false)

                let wrongKey = "a-wrong-secret-key-9876543210"
                let refused = try await CommandRun(
                    ["send-sms", "--to", "18553569768", "--from", "12066418000", "again"],
                    environment: Self.environment(flowroute, data: dir, secretKey: wrongKey))
                #expect(refused.status == 1)
                #expect(refused.stderr.contains("SMSRELAY_FLOWROUTE_SECRET_KEY"), "\(refused.stderr)")
                #expect(!refused.stderr.contains(wrongKey) && !refused.stdout.contains(wrongKey))

                let noNumber = try await CommandRun(
                    ["send-sms", "--to", "Ann", "--from", "12066418000", "x"], environment: Self.environment(flowroute, data: dir))
                #expect(noNumber.status == 64)
                #expect(noNumber.stderr.contains("--to Ann is not a phone number"), "\(noNumber.stderr)")
                #expect(try await flowroute.requests().count == 2)
            }
        }
    }

    @Test("send-sms goes through the carrier the route of --from names, or --carrier; a carrier that is off is refused")
    func sendSMSThroughARoutesCarrier() async throws {
        try await withTemporaryDirectory { dir in
            try await FakeCarrierAPIs.with { apis in
                let config = dir.appendingPathComponent("relay.yaml")
                try "routes:\n  \"+1 206 641 8000\":\n    carrier: twilio\n".write(to: config, atomically: true, encoding: .utf8)
                let environment = [
                    "SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_CONFIG": config.path,
                    "SMSRELAY_TWILIO_ACCOUNT_SID": apis.credentials.twilioAccountSID,
                    "SMSRELAY_TWILIO_AUTH_TOKEN": apis.credentials.twilioAuthToken,
                    "SMSRELAY_TWILIO_API_URL": apis.baseURL.absoluteString,
                ]
                let marker = FakeCarrierAPIs.marker()
                let sent = try await CommandRun(["send-sms", "--to", "18553569768", "--from", "12066418000", "Hi \(marker)"], environment: environment)
                #expect(sent.status == 0, "\(sent.stderr)")
                #expect(sent.stdout.contains("Twilio's id for the message: SM"), "\(sent.stdout)")
                let request = try #require(try await apis.requests(containing: marker).first)
                #expect(request.path == "/2010-04-01/Accounts/\(apis.credentials.twilioAccountSID)/Messages.json")
                #expect(request.form["From"] == "+12066418000")

                let off = try await CommandRun(
                    ["send-sms", "--carrier", "telnyx", "--to", "18553569768", "--from", "12066418000", "x"], environment: environment)
                #expect(off.status == 64)
                #expect(off.stderr.contains("Telnyx is not on"), "\(off.stderr)")
            }
        }
    }

    @Test("reply exits 75, so that the MTA retries, when the relay cannot take replies: off, no outbox, no secret")
    func temporaryFailures() async throws {
        try await withTemporaryDirectory { dir in
            try await FakeFlowrouteAPI.with { flowroute in
                let email = Data("From: ann@example.com\r\nTo: x@sms.example.com\r\n\r\nhi\r\n".utf8)
                var environment = Self.environment(flowroute, data: dir.appendingPathComponent("missing"))
                let noOutbox = try await CommandRun(["reply"], environment: environment, input: email)
                #expect(noOutbox.status == 75)
                #expect(noOutbox.stderr.contains("no outbox at"), "\(noOutbox.stderr)")
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("missing").path), "nothing is created")

                environment["SMSRELAY_REPLY_DOMAIN"] = nil
                let off = try await CommandRun(["reply"], environment: environment, input: email)
                #expect(off.status == 75)
                #expect(off.stderr.contains("replies are off"), "\(off.stderr)")

                environment["SMSRELAY_REPLY_MAX_CHARS"] = "many"
                let badSetting = try await CommandRun(["reply"], environment: environment, input: email)
                #expect(badSetting.status == 75)
                #expect(badSetting.stderr.contains("SMSRELAY_REPLY_MAX_CHARS"), "\(badSetting.stderr)")

                // An outbox but no secret yet: the server never gave out an address.
                let data = dir.appendingPathComponent("data")
                try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
                FileManager.default.createFile(atPath: data.appendingPathComponent("outbox.sqlite").path, contents: nil)
                let noSecret = try await CommandRun(["reply"], environment: Self.environment(flowroute, data: data), input: email)
                #expect(noSecret.status == 75)
                #expect(noSecret.stderr.contains("no reply secret"), "\(noSecret.stderr)")
            }
        }
    }

    @Test("serve stops with a clear error naming the setting when the SMTP receiver's port is taken")
    func receiverPortTaken() async throws {
        try await withTemporaryDirectory { dir in
            try await FakeFlowrouteAPI.with { flowroute in
                // The fake's own listening socket holds the port.
                var environment = Self.environment(flowroute, data: dir)
                environment["SMSRELAY_REPLY_SMTP_LISTEN"] = "127.0.0.1:\(flowroute.port)"
                let serve = try await CommandRun(["serve", "--port", "0"], environment: environment)
                #expect(serve.status == 64, "\(serve.stderr)")
                #expect(serve.stderr.contains("SMSRELAY_REPLY_SMTP_LISTEN"), "\(serve.stderr)")
                #expect(serve.stderr.contains("Address already in use"), "\(serve.stderr)")
            }
        }
    }
}
