import Foundation
import TestSupport
import Testing

/// `smsrelay send-test`, run as a process against real peers: a maildir, aiosmtpd and moto's SES.
@Suite("smsrelay send-test")
struct SendTestTests {
    /// The report's `label   value` lines, by label.
    static func fields(_ stdout: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in stdout.split(separator: "\n") where line.hasPrefix("  ") {
            let text = line.drop { $0 == " " }
            guard let space = text.firstIndex(of: " ") else { continue }
            fields[String(text[..<space])] = text[space...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// A header's value in a message's header section, unfolded.
    static func header(_ name: String, in message: String) -> String? {
        let head = message.components(separatedBy: "\r\n\r\n").first ?? message
        let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
        for line in unfolded.components(separatedBy: "\r\n") where line.lowercased().hasPrefix(name.lowercased() + ":") {
            return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    @Test("maildir: the sample takes the first route of the config file, lands as one file whose headers the report names, and nothing is stored in the outbox")
    func maildir() async throws {
        try await withTemporaryDirectory { dir in
            let config = dir.appendingPathComponent("relay.yaml")
            try Data("""
                mail_to: everyone@example.com
                mail_from: sms@example.org
                routes:
                  "12066418000":
                    to: [alice@example.com, "Bob <bob@example.com>"]
                """.utf8).write(to: config)
            let data = dir.appendingPathComponent("data")
            let result = try await CommandRun(
                ["send-test", "--data-dir", data.path, "--from", "18553569768", "--text", "Testing, one two"],
                environment: ["SMSRELAY_CONFIG": config.path])
            #expect(result.status == 0, "\(result.stderr)")
            let fields = Self.fields(result.stdout)
            #expect(result.stdout.hasPrefix("Sent a test message through maildir → \(data.path)/mail"), "\(result.stdout)")
            #expect(fields["route"] == "12066418000: its own route")
            #expect(fields["to"] == "alice@example.com, bob@example.com")
            #expect(fields["from"] == "+1 855-356-9768 <sms@example.org>")

            let path = try #require(fields["answer"], "\(result.stdout)")
            #expect(path.hasPrefix(data.appendingPathComponent("mail/new").path + "/"))
            let files = try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("mail/new").path)
            #expect(files.count == 1)
            let message = try String(contentsOfFile: path, encoding: .utf8)
            #expect(Self.header("Message-ID", in: message) == fields["Message-ID"])
            #expect(Self.header("Subject", in: message) == "Text message from +1 855-356-9768 to +1 206-641-8000")
            #expect(Self.header("Subject", in: message) == fields["subject"])
            #expect(Self.header("To", in: message)?.contains("bob@example.com") == true)
            #expect(Self.header("From", in: message) == "+1 855-356-9768 <sms@example.org>")
            #expect(message.contains("Testing, one two"))
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("outbox.sqlite").path), "not through the outbox")

            // Another number takes the default route; each run is a message of its own.
            let other = try await CommandRun(
                ["send-test", "--data-dir", data.path, "--to", "+1 (206) 555-0100"], environment: ["SMSRELAY_CONFIG": config.path])
            #expect(other.status == 0, "\(other.stderr)")
            let otherFields = Self.fields(other.stdout)
            #expect(otherFields["route"] == "the default route (12065550100 has no route of its own)")
            #expect(otherFields["to"] == "everyone@example.com")
            #expect(otherFields["Message-ID"] != fields["Message-ID"])
        }
    }

    @Test("SMTP: the sample reaches aiosmtpd with the password from the systemd credential, and the report quotes the server's 250 reply")
    func smtp() async throws {
        let password = "cred-Pa55word-\(UInt32.random(in: 0...UInt32.max))"
        let arguments = ["--auth-user", "relay@example.org", "--auth-password", password, "--auth-over-plain-text"]
        try await SMTPTestServer.with(arguments) { smtp in
            try await withTemporaryDirectory { dir in
                let credentials = dir.appendingPathComponent("credentials")
                try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
                try Data("\(password)\n".utf8).write(to: credentials.appendingPathComponent("smtp-password"))
                let result = try await CommandRun(
                    ["send-test", "--data-dir", dir.path, "--transport", "smtp", "--mail-to", "me@example.com, p@example.com",
                     "--mail-from", "sms@example.org"],
                    environment: [
                        "SMSRELAY_SMTP_URL": "smtp://relay%40example.org@127.0.0.1:\(smtp.port)?tls=none",
                        "CREDENTIALS_DIRECTORY": credentials.path,
                    ])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(!(result.stdout + result.stderr).contains(password))
                let fields = Self.fields(result.stdout)
                #expect(result.stdout.hasPrefix("Sent a test message through smtp → "), "\(result.stdout)")
                #expect(fields["answer"]?.hasPrefix("250 2.0.0 Ok: queued as Q") == true, "\(result.stdout)")
                #expect(fields["to"] == "me@example.com, p@example.com")

                let messages = try smtp.messages()
                #expect(messages.count == 1)
                let message = try #require(messages.first)
                #expect(message.mail_from == "sms@example.org")
                #expect(message.rcpt_tos == ["me@example.com", "p@example.com"])
                let parsed = try #require(message.parsed)
                #expect(parsed.message_id == fields["Message-ID"])
                #expect(parsed.subject == fields["subject"])
                #expect(parsed.subject == "Text message from +1 202-555-0123 to +1 202-555-0100")
                #expect(parsed.text?.contains("This is a test message from smsrelay send-test.") == true)
                #expect(parsed.defects.isEmpty)
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("outbox.sqlite").path))
            }
        }
    }

    @Test("SMTP with a wrong password: exit 1, the server's refusal quoted, the password nowhere in the output")
    func wrongPassword() async throws {
        let arguments = ["--auth-user", "relay@example.org", "--auth-password", "the-right-one", "--auth-over-plain-text"]
        try await SMTPTestServer.with(arguments) { smtp in
            try await withTemporaryDirectory { dir in
                let result = try await CommandRun(
                    ["send-test", "--data-dir", dir.path, "--transport", "smtp", "--mail-to", "me@example.com"],
                    environment: ["SMSRELAY_SMTP_URL": "smtp://relay%40example.org:Wr0ngSecret@127.0.0.1:\(smtp.port)?tls=none"])
                #expect(result.status == 1)
                #expect(result.stdout.isEmpty, "\(result.stdout)")
                #expect(result.stderr.hasPrefix("Error: the smtp transport did not take the test message: SMTP server refused AUTH "), "\(result.stderr)")
                #expect(result.stderr.contains(": 535 "), "the server's words: \(result.stderr)")
                #expect(result.stderr.contains("check the user and password in SMSRELAY_SMTP_URL"), "\(result.stderr)")
                #expect(!(result.stdout + result.stderr).contains("Wr0ngSecret"))
                #expect(result.stderr.split(separator: "\n").count == 1, "one line, no log noise: \(result.stderr)")
                #expect(try smtp.messages().isEmpty)
            }
        }
    }

    @Test("a bad argument or setting exits 64 with a message naming it")
    func refusedArguments() async throws {
        try await withTemporaryDirectory { dir in
            let number = try await CommandRun(["send-test", "--data-dir", dir.path, "--to", "nobody"])
            #expect(number.status == 64)
            #expect(number.stderr.contains("--to nobody is not a phone number"), "\(number.stderr)")
            let transport = try await CommandRun(["send-test", "--data-dir", dir.path, "--transport", "smtp"])
            #expect(transport.status == 64)
            #expect(transport.stderr.contains("SMSRELAY_SMTP_URL is not set"), "\(transport.stderr)")
        }
    }
}

@Suite("smsrelay send-test through SES (moto)", .serialized, .motoServer)
struct SendTestSESTests {
    @Test("SES: the report gives SES's MessageId, under which moto stored the very email")
    func ses() async throws {
        let moto = try #require(MotoServer.current)
        try await withTemporaryDirectory { dir in
            let result = try await CommandRun(
                ["send-test", "--data-dir", dir.path, "--transport", "ses", "--mail-from", MotoServer.verifiedSender,
                 "--mail-to", "me@example.com", "--ses-endpoint", moto.endpoint, "--text", "Through SES"],
                environment: [
                    "AWS_ACCESS_KEY_ID": moto.userCredentials.accessKeyID,
                    "AWS_SECRET_ACCESS_KEY": moto.userCredentials.secretAccessKey,
                    "AWS_REGION": MotoServer.region, "AWS_EC2_METADATA_DISABLED": "true",
                ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains(moto.userCredentials.secretAccessKey))
            let fields = SendTestTests.fields(result.stdout)
            #expect(result.stdout.hasPrefix("Sent a test message through ses → \(moto.endpoint)"), "\(result.stdout)")
            let answer = try #require(fields["answer"])
            #expect(answer.hasPrefix("200, MessageId "), "\(answer)")
            let stored = try await moto.storedMessage(String(answer.dropFirst("200, MessageId ".count)))
            #expect(stored.subject == "Text message from +1 202-555-0123 to +1 202-555-0100")
            #expect(stored.to == [.init(name: "", address: "me@example.com")])
            #expect(stored.text?.contains("Through SES") == true)
            #expect(stored.messageID == fields["Message-ID"])
        }
    }
}
