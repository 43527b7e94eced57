import ComponentConfig
import Configuration
import NIOCore
import Foundation
import Testing

@testable import SMTPTransport

extension ComponentConfig {
    /// The SMTP transport's scope of the relay's settings, read from these environment variables.
    static func relay(_ environment: [String: String]) -> ComponentConfig {
        ComponentConfig(reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment)))
            .rooted(at: ["smsrelay", "smtp"])
    }
}

extension SMTPConfiguration.SettingNames {
    /// The names the relay gives the settings (`SMSRELAY_SMTP_*`).
    static let relay = SMTPConfiguration.SettingNames(ComponentConfig.relay([:]))
}

@Suite("SMSRELAY_SMTP_URL and its companions")
struct SMTPConfigurationTests {
    func configurationError(_ url: String, passwordFile: String? = nil, caFile: String? = nil) -> SMTPError? {
        do {
            _ = try SMTPConfiguration(url: url, passwordFile: passwordFile, caFile: caFile, names: .relay)
            return nil
        } catch let error as SMTPError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    func temporaryFile(_ contents: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-config-\(UUID().uuidString)")
        try Data(contents.utf8).write(to: url)
        return url.path
    }

    @Test("read from its scope of the settings, every setting is checked and named as the user writes it")
    func fromScope() throws {
        func configuration(_ environment: [String: String]) throws -> SMTPConfiguration {
            try SMTPConfiguration(config: .relay(environment))
        }
        let read = try configuration([
            "SMSRELAY_SMTP_URL": "smtp://mail.example.org:2525?tls=opportunistic", "SMSRELAY_SMTP_HELO_NAME": "relay.example.org",
            "SMSRELAY_SMTP_IDLE_SECONDS": "45",
        ])
        #expect(read.host == "mail.example.org" && read.port == 2525 && read.tls == .opportunistic)
        #expect(read.heloName == "relay.example.org")
        #expect(read.idleTimeout == .seconds(45))
        #expect(read.names == .relay)

        let missing = #expect(throws: SMTPError.self) { try configuration([:]) }
        #expect(missing?.message.hasPrefix("SMSRELAY_SMTP_URL is not set") == true)
        let idle = #expect(throws: SMTPError.self) {
            try configuration(["SMSRELAY_SMTP_URL": "smtp://mail.example.org", "SMSRELAY_SMTP_IDLE_SECONDS": "0"])
        }
        #expect(idle?.message.hasPrefix("SMSRELAY_SMTP_IDLE_SECONDS=0 is not valid") == true)
        let url = #expect(throws: SMTPError.self) { try configuration(["SMSRELAY_SMTP_URL": "smtp://u:hunter2@mail.example.org?tls=maybe"]) }
        #expect(url?.message.hasPrefix("SMSRELAY_SMTP_URL has tls=maybe") == true)
        #expect(url?.message.contains("hunter2") == false)
    }

    @Test("smtp:// defaults to port 587 and tls=required; smtps:// to 465 and implicit TLS")
    func defaults() throws {
        let smtp = try SMTPConfiguration(url: "smtp://mail.example.org")
        #expect(smtp.host == "mail.example.org")
        #expect(smtp.port == 587)
        #expect(smtp.tls == .required)
        #expect(smtp.credentials == nil)
        #expect(smtp.authMechanism == nil)

        let smtps = try SMTPConfiguration(url: "SMTPS://mail.example.org")
        #expect(smtps.port == 465)
        #expect(smtps.tls == .implicit)
    }

    @Test("port, tls and auth options are read")
    func options() throws {
        let configuration = try SMTPConfiguration(url: "smtp://u:p@mail.example.org:2525?tls=opportunistic&auth=login")
        #expect(configuration.port == 2525)
        #expect(configuration.tls == .opportunistic)
        #expect(configuration.authMechanism == .login)
        #expect(try SMTPConfiguration(url: "smtp://u:p@h.example?auth=PLAIN").authMechanism == .plain)
        #expect(try SMTPConfiguration(url: "smtps://h.example/?tls=required").tls == .implicit)
        #expect(try SMTPConfiguration(url: "smtp://h.example/").port == 587)
    }

    @Test("tls=none is accepted for loopback hosts only", arguments: ["localhost", "127.0.0.1", "127.1.2.3", "[::1]"])
    func loopbackPlainText(host: String) throws {
        let configuration = try SMTPConfiguration(url: "smtp://\(host):2525?tls=none")
        #expect(configuration.tls == .none)
        #expect(configuration.isLoopback)
    }

    @Test("tls=none for a remote host is refused at start-up", arguments: ["mail.example.org", "10.0.0.1", "128.0.0.1", "[2001:db8::1]", "localhost.example.org"])
    func remotePlainText(host: String) {
        let error = configurationError("smtp://\(host)?tls=none")
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("tls=none") == true)
    }

    @Test("user and password are percent-decoded")
    func percentDecoding() throws {
        let configuration = try SMTPConfiguration(url: "smtp://relay%40example.org:p%40ss%3Aw%2Fo%25rd%20%C3%A9@mail.example.org")
        #expect(configuration.credentials?.user == "relay@example.org")
        #expect(configuration.credentials?.password == "p@ss:w/o%rd é")
    }

    @Test("an IPv6 host is written in brackets")
    func ipv6() throws {
        let configuration = try SMTPConfiguration(url: "smtps://[2001:db8::25]:4650")
        #expect(configuration.host == "2001:db8::25")
        #expect(configuration.port == 4650)
        #expect(configuration.redactedDescription == "smtps://[2001:db8::25]:4650")
    }

    @Test("the password can come from SMSRELAY_SMTP_PASSWORD_FILE, without its final newline")
    func passwordFile() throws {
        let path = try temporaryFile("from file: s3cret\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try SMTPConfiguration(url: "smtp://relay@mail.example.org", passwordFile: path)
        #expect(configuration.credentials?.password == "from file: s3cret")
        #expect(configuration.passwordFile == path)
    }

    @Test("a password file with a password in the URL, without a user, missing or empty is refused")
    func passwordFileMistakes() throws {
        let path = try temporaryFile("secret\n")
        let empty = try temporaryFile("\n")
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: empty)
        }
        #expect(configurationError("smtp://u:inurl@h.example", passwordFile: path)?.message.contains("keep only one") == true)
        #expect(configurationError("smtp://h.example", passwordFile: path)?.message.contains("names no user") == true)
        #expect(configurationError("smtp://u@h.example", passwordFile: "/nonexistent/password")?.message.contains("cannot read SMSRELAY_SMTP_PASSWORD_FILE") == true)
        #expect(configurationError("smtp://u@h.example", passwordFile: empty)?.message.contains("is empty") == true)
    }

    @Test("a user without a password, and auth= without a user, are refused")
    func missingCredentials() {
        #expect(configurationError("smtp://u@h.example")?.message.contains("no password") == true)
        #expect(configurationError("smtp://u:@h.example")?.message.contains("no password") == true)
        #expect(configurationError("smtp://h.example?auth=plain")?.message.contains("names no user") == true)
    }

    @Test(
        "wrong URLs are refused with a message that says what to fix",
        arguments: [
            ("", "is empty"),
            ("mail.example.org", "is not a URL"),
            ("http://mail.example.org", "must start with smtp://"),
            ("smtp://", "names no host"),
            ("smtp://:587", "names no host"),
            ("smtp://mail.example.org:0", "port"),
            ("smtp://mail.example.org:65536", "port"),
            ("smtp://mail.example.org:twenty", "port"),
            ("smtp://mail.example.org/inbox", "path"),
            ("smtp://mail.example.org?tls=maybe", "tls=maybe"),
            ("smtp://mail.example.org?tls=implicit", "tls=implicit"),
            ("smtp://u:p@mail.example.org?auth=cram-md5", "auth=plain or auth=login"),
            ("smtp://mail.example.org?verify=false", "unknown option \"verify\""),
            ("smtp://mail.example.org?tls=none&tls=required", "twice"),
            ("smtps://mail.example.org?tls=none", "smtps://"),
            ("smtps://mail.example.org?tls=opportunistic", "smtps://"),
            ("smtp://mail example.org", "not a host name"),
            ("smtp://[::1", "closing ]"),
            ("smtp://[not-v6]:25", "not an IPv6 address"),
            ("smtp://:p@mail.example.org", "empty user name"),
            ("smtp://u:p%zz@mail.example.org", "two hex digits"),
            ("smtp://mail.example.org#frag", "fragment"),
        ]
    )
    func badURLs(url: String, expected: String) {
        let error = configurationError(url)
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.isTransient == false)
        #expect(error?.message.hasPrefix("SMSRELAY_SMTP_URL ") == true)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
    }

    @Test(
        "no error repeats the password, even when it is what breaks the URL",
        arguments: [
            "smtp://user:TopSecret/42@mail.example.org",
            "smtp://user:TopSecret?42@mail.example.org",
            "smtp://user:TopSecret#42@mail.example.org",
            "smtp://user:TopSecret%4@mail.example.org",
            "smtp://user:TopSecret@mail.example.org:port",
            "smtp://user:TopSecret@mail.example.org?tls=none",
            "ftp://user:TopSecret@mail.example.org",
            "smtp://user:TopSecret@mail.example.org?TopSecret=1",
        ]
    )
    func passwordNeverInErrors(url: String) {
        let error = configurationError(url)
        #expect(error != nil)
        #expect(error?.message.contains("TopSecret") == false, "\(error?.message ?? "")")
    }

    @Test("the password is in no description, debug description, redacted URL or mirror")
    func redaction() throws {
        let configuration = try SMTPConfiguration(url: "smtp://relay%40example.org:TopSecret@mail.example.org?auth=plain")
        #expect(configuration.redactedDescription == "smtp://relay%40example.org:***@mail.example.org:587?tls=required&auth=plain")
        #expect(configuration.description == configuration.redactedDescription)
        #expect("\(configuration)" == configuration.redactedDescription)
        let credentials = try #require(configuration.credentials)
        for text in [String(describing: credentials), String(reflecting: credentials), "\(credentials)", String(reflecting: configuration)] {
            #expect(!text.contains("TopSecret"), "\(text)")
        }
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("TopSecret"))
        #expect(dumped.contains("<redacted>"))
    }

    @Test("SMSRELAY_SMTP_CA_FILE is read at start-up; a missing or non-PEM file is refused")
    func caFile() throws {
        let pki = try TestPKI.shared()
        let configuration = try SMTPConfiguration(url: "smtps://localhost", caFile: pki.caFile)
        #expect(configuration.additionalTrustedCertificates.count == 1)
        #expect(configuration.caFile == pki.caFile)

        #expect(configurationError("smtps://localhost", caFile: "/nonexistent/ca.pem")?.message.contains("cannot read SMSRELAY_SMTP_CA_FILE") == true)
        let notPEM = try temporaryFile("this is not a certificate\n")
        defer { try? FileManager.default.removeItem(atPath: notPEM) }
        #expect(configurationError("smtps://localhost", caFile: notPEM)?.message.contains("no PEM certificate") == true)
    }

    @Test("SMSRELAY_SMTP_HELO_NAME takes a fully qualified name or an address literal, and nothing else")
    func heloNameSetting() throws {
        for valid in ["relay.example.org", "mail-1.example.co.uk.", "[192.0.2.7]", "[IPv6:2001:db8::7]"] {
            #expect(try SMTPConfiguration(url: "smtp://mail.example.org", heloName: valid).heloName == valid)
        }
        for invalid in ["vm", "localhost", "relay example.org", "relay.example.org\r\nRCPT TO:<x@y>", "192.0.2.7", "[192.0.2]", "[IPv6:192.0.2.7]", "-a.example.org", "a..example.org"] {
            let error = #expect(throws: SMTPError.self) { try SMTPConfiguration(url: "smtp://mail.example.org", heloName: invalid, names: .relay) }
            #expect(error?.message.hasPrefix("SMSRELAY_SMTP_HELO_NAME") == true, "\(invalid)")
        }
        #expect(try SMTPConfiguration(url: "smtp://mail.example.org").heloName == nil)
    }

    @Test("the automatic EHLO name: the host name if fully qualified, else the local address as a literal")
    func automaticHeloName() throws {
        let v4 = try SocketAddress(ipAddress: "192.0.2.7", port: 40000)
        let v6 = try SocketAddress(ipAddress: "2001:db8::7", port: 40000)
        let mapped = try SocketAddress(ipAddress: "::ffff:192.0.2.7", port: 40000)
        #expect(SMTPHeloName.choose(configured: nil, hostName: "vm", localAddress: v4) == "[192.0.2.7]")
        #expect(SMTPHeloName.choose(configured: nil, hostName: "3f2a9c1be0d4", localAddress: v6) == "[IPv6:2001:db8::7]")
        #expect(SMTPHeloName.choose(configured: nil, hostName: "localhost", localAddress: mapped) == "[192.0.2.7]")
        #expect(SMTPHeloName.choose(configured: nil, hostName: "relay.example.org", localAddress: v4) == "relay.example.org")
        #expect(SMTPHeloName.choose(configured: "mx.example.net", hostName: "relay.example.org", localAddress: v4) == "mx.example.net")
        #expect(SMTPHeloName.choose(configured: nil, hostName: "10.0.0.1", localAddress: v4) == "[192.0.2.7]", "an IPv4 address is not a domain")
        #expect(SMTPClientStateMachine.Settings(try SMTPConfiguration(url: "smtp://mail.example.org"), heloName: "[192.0.2.7]").heloName == "[192.0.2.7]")
    }
}
