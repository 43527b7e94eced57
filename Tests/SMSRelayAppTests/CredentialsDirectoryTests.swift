import ComponentConfig
import Foundation
import SMSRelayApp
import Testing

@Suite("Secrets from systemd's $CREDENTIALS_DIRECTORY")
struct CredentialsDirectoryTests {
    func withCredentials<T>(_ files: [String: String], _ body: (String) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("credentials-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, contents) in files {
            try Data(contents.utf8).write(to: dir.appendingPathComponent(name))
        }
        return try body(dir.path)
    }

    @Test("each credential stands for its secret, trimmed, and the settings name the credentials used")
    func secrets() throws {
        let files = [
            "webhook-token": "token-from-credential-0123\n", "reply-secret": "reply-secret-from-credential\n",
            "flowroute-secret-key": "fr-secret\n", "unrelated": "x",
        ]
        try withCredentials(files) { dir in
            let settings = try RelaySettings.load(environment: [
                "CREDENTIALS_DIRECTORY": dir, "SMSRELAY_REPLY_DOMAIN": "sms.example.com", "SMSRELAY_FLOWROUTE_ACCESS_KEY": "fr-access",
            ])
            #expect(settings.webhookToken == "token-from-credential-0123")
            #expect(settings.replies.secret == "reply-secret-from-credential")
            #expect(settings.replies.flowroute.secretKey == "fr-secret")
            #expect(settings.credentials == ["webhook-token", "reply-secret", "flowroute-secret-key"])
        }
    }

    @Test("a flag, the environment or the config file wins over the credential")
    func precedence() throws {
        try withCredentials(["webhook-token": "token-from-credential-0123"]) { dir in
            let environment = try RelaySettings.load(environment: ["CREDENTIALS_DIRECTORY": dir, "SMSRELAY_WEBHOOK_TOKEN": "token-from-environment-0123"])
            #expect(environment.webhookToken == "token-from-environment-0123")
            #expect(environment.credentials.isEmpty)
            let yaml = URL(fileURLWithPath: dir).appendingPathComponent("relay.yaml")
            try Data("webhook_token: token-from-the-file-0123\n".utf8).write(to: yaml)
            let file = try RelaySettings.load(environment: ["CREDENTIALS_DIRECTORY": dir, "SMSRELAY_CONFIG": yaml.path])
            #expect(file.webhookToken == "token-from-the-file-0123")
            #expect(try RelaySettings.load(environment: [:]).webhookToken == nil, "no CREDENTIALS_DIRECTORY, no credential")
        }
    }

    @Test("smtp-password stands for the SMTP password file, unless the URL holds a password or the file is set")
    func smtpPassword() throws {
        try withCredentials(["smtp-password": "s3cret\n"]) { dir in
            let file = URL(fileURLWithPath: dir).appendingPathComponent("smtp-password").path
            let base = ["CREDENTIALS_DIRECTORY": dir, "SMSRELAY_TRANSPORT": "smtp"]
            let user = try RelaySettings.load(environment: base.merging(["SMSRELAY_SMTP_URL": "smtp://me@mail.example.com"]) { $1 })
            #expect(user.components.scoped(to: "smtp").string("password_file") == file)
            #expect(user.credentials == ["smtp-password"])
            _ = try RelayPlan(settings: user)  // the SMTP transport reads the password from it

            let inURL = try RelaySettings.load(environment: base.merging(["SMSRELAY_SMTP_URL": "smtp://me:pw@mail.example.com"]) { $1 })
            #expect(inURL.components.scoped(to: "smtp").string("password_file") == nil)
            #expect(inURL.credentials.isEmpty)
            _ = try RelayPlan(settings: inURL)

            let other = try RelaySettings.load(
                flags: ["smtp_password_file": "/etc/other"],
                environment: base.merging(["SMSRELAY_SMTP_URL": "smtp://me@mail.example.com"]) { $1 })
            #expect(other.components.scoped(to: "smtp").string("password_file") == "/etc/other")
        }
    }

    @Test("an empty credential stops the start, naming it; an unusable value is named with the credential and never shown")
    func refused() throws {
        try withCredentials(["reply-secret": " \n"]) { dir in
            #expect {
                try RelaySettings.load(environment: ["CREDENTIALS_DIRECTORY": dir])
            } throws: { "\($0)" == "the credential reply-secret in \(dir)/reply-secret (CREDENTIALS_DIRECTORY) is empty" }
        }
        try withCredentials(["reply-secret": "too-short"]) { dir in
            #expect {
                try RelaySettings.load(environment: ["CREDENTIALS_DIRECTORY": dir])
            } throws: { error in
                "\(error)".contains("or the credential reply-secret) is <redacted>") && !"\(error)".contains("too-short")
            }
        }
    }
}
