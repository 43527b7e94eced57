import Foundation
import Logging
import MailKit
import ReplyAddress
@testable import SMSRelayApp
@testable import SMSRelayLambdaApp
import SMSRelayCore
import Testing
import TestSupport

@Suite("Reply settings: checked at start-up, and the Reply-To they give relayed emails")
struct ReplySettingsTests {
    static let on: [String: String] = [
        "SMSRELAY_REPLY_DOMAIN": "SMS.Example.com",
        "SMSRELAY_FLOWROUTE_ACCESS_KEY": "access-key",
        "SMSRELAY_FLOWROUTE_SECRET_KEY": "secret-key-0123456789",
    ]

    func refusal(_ environment: [String: String]) -> String? {
        do {
            _ = try RelaySettings.load(environment: environment)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("replies are off by default, and on with a domain and both Flowroute keys")
    func defaults() throws {
        let off = try RelaySettings.load(environment: [:])
        #expect(!off.replies.isEnabled)
        #expect(off.replies.maxCharacters == 1600)
        #expect(off.replies.flowroute.apiURL.absoluteString == "https://api.flowroute.com")
        let on = try RelaySettings.load(environment: Self.on.merging(["SMSRELAY_REPLY_FROM": "Carol <Carol@Example.com>"]) { $1 })
        #expect(on.replies.domain == "sms.example.com")
        #expect(on.replies.allowedSenders == ["carol@example.com"])
        #expect(on.routing.defaultRoute.replyFrom == ["carol@example.com"])
        #expect(!on.isPublicURLConfigured)
    }

    @Test("bad reply settings stop the start, naming the setting and never showing a secret")
    func refused() throws {
        #expect(refusal(["SMSRELAY_REPLY_DOMAIN": "localhost"].merging(Self.on.filter { $0.key != "SMSRELAY_REPLY_DOMAIN" }) { $1 })?
            .contains("SMSRELAY_REPLY_DOMAIN") == true)
        let short = refusal(Self.on.merging(["SMSRELAY_REPLY_SECRET": "tooshort"]) { $1 })
        #expect(short?.contains("SMSRELAY_REPLY_SECRET") == true)
        #expect(short?.contains("tooshort") == false)
        let noKey = refusal(Self.on.filter { $0.key != "SMSRELAY_FLOWROUTE_SECRET_KEY" })
        #expect(noKey?.contains("SMSRELAY_FLOWROUTE_SECRET_KEY is not") == true, "\(noKey ?? "")")
        for url in ["http://api.flowroute.com", "ftp://127.0.0.1", "not a url"] {
            #expect(refusal(Self.on.merging(["SMSRELAY_FLOWROUTE_API_URL": url]) { $1 })?.contains("SMSRELAY_FLOWROUTE_API_URL") == true, "\(url)")
        }
        #expect(refusal(Self.on.merging(["SMSRELAY_FLOWROUTE_API_URL": "http://127.0.0.1:8999"]) { $1 }) == nil)
        #expect(refusal(Self.on.merging(["SMSRELAY_REPLY_MAX_CHARS": "0"]) { $1 })?.contains("SMSRELAY_REPLY_MAX_CHARS") == true)
        #expect(refusal(Self.on.merging(["SMSRELAY_REPLY_FROM": "not an address"]) { $1 })?.contains("SMSRELAY_REPLY_FROM") == true)
        #expect(refusal(Self.on.merging(["SMSRELAY_REPLY_CONFIRM": "maybe"]) { $1 })?.contains("SMSRELAY_REPLY_CONFIRM") == true)
    }

    @Test("a route's reply_from is read from the config file and added to the default ones")
    func routeReplyFrom() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("relay.yaml")
            try """
                reply_from: [dave@example.com]
                routes:
                  "+1 206 641 8000":
                    reply_from: Carol <carol@example.com>
                """.write(to: file, atomically: true, encoding: .utf8)
            let settings = try RelaySettings.load(environment: Self.on.merging(["SMSRELAY_CONFIG": file.path]) { $1 })
            #expect(settings.routing.route(for: "12066418000").replyFrom == ["dave@example.com", "carol@example.com"])
            #expect(settings.routing.route(for: "12065550100").replyFrom == ["dave@example.com"])
        }
    }

    @Test("the Lambda function needs the reply secret set, as config check --mode lambda says")
    func lambdaNeedsSecret() throws {
        let environment = Self.on.merging([
            "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
        ]) { $1 }
        #expect(throws: ConfigError.self) { try ConfigCheck.run(flags: [:], environment: environment, mode: .lambda) }
        do {
            _ = try LambdaApp.makeHandler(environment: environment, logger: Logger(label: "test"))
            Issue.record("the function started without a reply secret")
        } catch {
            #expect("\(error)".contains("SMSRELAY_REPLY_SECRET"), "\(error)")
        }
        let withSecret = environment.merging(["SMSRELAY_REPLY_SECRET": "a-long-enough-reply-secret"]) { $1 }
        do {
            _ = try ConfigCheck.run(flags: [:], environment: withSecret, mode: .lambda)
            Issue.record("Lambda's replies were accepted without a bucket to receive them in")
        } catch {
            #expect("\(error)".contains("SMSRELAY_REPLY_S3_BUCKET"), "\(error)")
        }
        let withBucket = withSecret.merging(["SMSRELAY_REPLY_S3_BUCKET": "Not_A_Bucket"]) { $1 }
        #expect(throws: ConfigError.self) { try ConfigCheck.run(flags: [:], environment: withBucket, mode: .lambda) }
        let complete = withSecret.merging(["SMSRELAY_REPLY_S3_BUCKET": "my-replies", "SMSRELAY_REPLY_S3_PREFIX": "replies/"]) { $1 }
        _ = try LambdaApp.makeHandler(environment: complete, logger: Logger(label: "test"))
        let report = try ConfigCheck.run(flags: [:], environment: complete, mode: .lambda)
        #expect(report.contains("replies         to <code>@sms.example.com (received by SES into s3://my-replies/replies/)"), "\(report)")
        #expect(!report.contains("a-long-enough-reply-secret") && !report.contains("secret-key-0123456789"))
    }

    @Test("relayed emails get a Reply-To that routes the answer, only with replies on and a number to answer")
    func replyTo() async throws {
        try await withTemporaryDirectory { dir in
            // The maildir transport opens its folder: keep it in the test's own.
            let here = ["SMSRELAY_DATA_DIR": dir.path]
            let secret = "reply-secret-0123456789"
            let settings = try RelaySettings.load(environment: Self.on.merging(here) { $1 })
            let components = try RelayComponents(settings: settings, logger: Logger(label: "test"), replySecret: secret)
            let message = InboundMessage(
                carrier: "flowroute", id: "mdr1-1", from: "+1 (855) 356-9768", to: "12066418000", body: "hi", receivedAt: Date())
            let email = try components.compose(message, nil, nil)
            let replyTo = try #require(email.replyTo)
            #expect(replyTo.displayName == "+1 855-356-9768 (SMS)")
            let codec = ReplyAddressCodec(secret: secret, domain: "sms.example.com")
            #expect(try codec.decode(replyTo.address) == ReplyAddress(ourNumber: "12066418000", texterNumber: "18553569768"))
            // A sender the carrier gave as a name has no number to answer.
            var named = message
            named.from = "ACME"
            #expect(try components.compose(named, nil, nil).replyTo == nil)
            // Replies off: nothing changes.
            let off = try RelayComponents(settings: try RelaySettings.load(environment: here), logger: Logger(label: "test"))
            #expect(try off.compose(message, nil, nil).replyTo == nil)
        }
    }
}

@Suite("The reply secret kept in the data folder")
struct ReplySecretTests {
    @Test("generated once (0600), the same on every later start, a configured one wins, a bad file is an error naming it")
    func generatedOnce() async throws {
        try await withTemporaryDirectory { dir in
            let first = try ReplySecret.resolve(configured: nil, dataDirectory: dir)
            #expect(first.count == 64)
            let file = dir.appendingPathComponent(ReplySecret.fileName)
            #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
            #expect(try ReplySecret.resolve(configured: nil, dataDirectory: dir) == first)
            #expect(try ReplySecret.stored(in: dir) == first)
            #expect(try ReplySecret.resolve(configured: "configured-secret-0123", dataDirectory: dir) == "configured-secret-0123")
            try Data("short\n".utf8).write(to: file)
            do {
                _ = try ReplySecret.resolve(configured: nil, dataDirectory: dir)
                Issue.record("a 5-character secret was used")
            } catch {
                #expect("\(error)".contains(file.path) && "\(error)".contains("delete it"), "\(error)")
            }
            try FileManager.default.removeItem(at: file)
            #expect(try ReplySecret.stored(in: dir) == nil)
            #expect(try ReplySecret.resolve(configured: nil, dataDirectory: dir) != first)
        }
    }
}
