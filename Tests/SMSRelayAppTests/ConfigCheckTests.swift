import Foundation
import SMSRelayApp
import TestSupport
import Testing

/// `config check` runs the validation a start runs: what `serve` or the Lambda function would
/// refuse, it refuses, with the same message.
@Suite("config check refuses what a start refuses")
struct ConfigCheckTests {
    /// The message a start gives for these settings (nil when it starts), and the one `config check` gives.
    func both(_ environment: [String: String], mode: ConfigCheck.Mode = .serve) throws -> (start: String?, check: String?) {
        var start: String?
        do {
            let settings = try RelaySettings.load(environment: environment, defaultTransport: mode == .lambda ? .lambdaDefault : .maildir)
            _ = try RelayPlan(settings: settings, lambda: mode == .lambda)
        } catch let error as ConfigError {
            start = error.description
        }
        var check: String?
        do {
            _ = try ConfigCheck.run(flags: [:], environment: environment, mode: mode)
        } catch let error as ConfigError {
            check = error.description
        }
        return (start, check)
    }

    @Test("a malformed SMTP URL is refused, naming the setting and hiding the password", arguments: [
        "smtp://user:hunter2@mail.example.org?tls=maybe", "smtp://user:hunter2@", "http://user:hunter2@mail.example.org",
    ])
    func badSMTPURL(_ url: String) throws {
        let (start, check) = try both(["SMSRELAY_TRANSPORT": "smtp", "SMSRELAY_SMTP_URL": url])
        let message = try #require(check)
        #expect(message == start)
        #expect(message.contains("SMSRELAY_SMTP_URL"))
        #expect(!message.contains("hunter2"))
    }

    @Test("an SMTP transport without a URL, or with a bad companion setting, is refused")
    func smtpCompanions() throws {
        for environment in [
            ["SMSRELAY_TRANSPORT": "smtp"],
            ["SMSRELAY_TRANSPORT": "smtp", "SMSRELAY_SMTP_URL": "smtp://mail.example.org", "SMSRELAY_SMTP_IDLE_SECONDS": "0"],
            ["SMSRELAY_TRANSPORT": "smtp", "SMSRELAY_SMTP_URL": "smtp://mail.example.org", "SMSRELAY_SMTP_HELO_NAME": "vm"],
            ["SMSRELAY_TRANSPORT": "smtp", "SMSRELAY_SMTP_URL": "smtp://u@mail.example.org", "SMSRELAY_SMTP_PASSWORD_FILE": "/nonexistent/password"],
        ] {
            let (start, check) = try both(environment)
            #expect(check != nil, "\(environment)")
            #expect(check == start)
        }
    }

    @Test("SES without credentials is refused in Lambda, and on a server with the metadata service off, naming the missing variables")
    func sesWithoutCredentials() throws {
        for mode in ConfigCheck.Mode.allCases {
            let environment = mode == .lambda
                ? ["AWS_REGION": "us-east-1"]
                : ["SMSRELAY_TRANSPORT": "ses", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"]
            let (start, check) = try both(environment, mode: mode)
            let message = try #require(check, "\(mode)")
            #expect(message == start)
            #expect(message.contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"), "\(message)")
            #expect(message.contains("AWS_WEB_IDENTITY_TOKEN_FILE") == (mode == .serve), "\(message)")
        }
    }

    @Test("SES on a server without a key takes the platform's credentials, and the report says from where")
    func sesPlatformCredentials() async throws {
        let ses = ["SMSRELAY_TRANSPORT": "ses", "AWS_REGION": "eu-west-1"]
        let metadata = try ConfigCheck.run(flags: [:], environment: ses, mode: .serve)
        #expect(metadata.contains("ses → https://email.eu-west-1.amazonaws.com (eu-west-1), at most 14 messages a second; credentials: instance metadata (http://169.254.169.254)"), "\(metadata)")

        let container = try ConfigCheck.run(
            flags: [:],
            environment: ses.merging([
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "eks-pod-identity-secret-token",
            ]) { $1 },
            mode: .serve)
        #expect(container.contains("; credentials: container endpoint (http://169.254.170.23)"), "\(container)")
        #expect(!container.contains("eks-pod-identity-secret-token"))

        let key = try ConfigCheck.run(
            flags: [:], environment: ses.merging(["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-example"]) { $1 }, mode: .serve)
        #expect(key.contains("; credentials: environment (access key *******MPLE)"), "\(key)")
        #expect(!key.contains("secret-example"))

        try await withTemporaryDirectory { folder in
            let token = folder.appendingPathComponent("token")
            try Data("eyJhbGciOiJSUzI1NiJ9.token".utf8).write(to: token)
            let web = try ConfigCheck.run(
                flags: [:],
                environment: ses.merging(["AWS_WEB_IDENTITY_TOKEN_FILE": token.path, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/relay"]) { $1 },
                mode: .serve)
            #expect(web.contains("; credentials: web identity (role arn:aws:iam::123456789012:role/relay, STS https://sts.eu-west-1.amazonaws.com)"), "\(web)")
            #expect(!web.contains("eyJhbGciOiJSUzI1NiJ9"))
        }

        // Lambda has no metadata service to fall back on, but takes SnapStart's container endpoint.
        let snapStart = try ConfigCheck.run(
            flags: [:],
            environment: ["AWS_REGION": "eu-west-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9001/2021-04-23/credentials",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN": "snapstart-token"],
            mode: .lambda)
        #expect(snapStart.contains("; credentials: container endpoint (http://127.0.0.1:9001)"), "\(snapStart)")
    }

    @Test("a platform source configured wrongly is refused by the check as by a start, naming the setting")
    func badPlatformSource() throws {
        let (start, check) = try both([
            "SMSRELAY_TRANSPORT": "ses", "AWS_REGION": "us-east-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://10.1.2.3/creds",
        ])
        let message = try #require(check)
        #expect(message == start)
        #expect(message.hasPrefix("SMSRELAY_TRANSPORT is ses: AWS credentials from the container endpoint: AWS_CONTAINER_CREDENTIALS_FULL_URI="), "\(message)")
    }

    @Test("SES without a region, or with a bad endpoint, is refused")
    func sesRegionAndEndpoint() throws {
        let credentials = ["SMSRELAY_TRANSPORT": "ses", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-example"]
        let noRegion = try #require(try both(credentials).check)
        #expect(noRegion.contains("SMSRELAY_SES_REGION, AWS_REGION and AWS_DEFAULT_REGION"))
        let endpoint = try #require(
            try both(credentials.merging(["AWS_REGION": "us-east-1", "SMSRELAY_SES_ENDPOINT": "ftp://ses.example"]) { $1 }).check)
        #expect(endpoint.contains("SMSRELAY_SES_ENDPOINT"))
        #expect(!endpoint.contains("secret-example"))
    }

    @Test("a valid configuration reports the transport with the password hidden")
    func report() throws {
        let smtp = try ConfigCheck.run(
            flags: [:], environment: ["SMSRELAY_TRANSPORT": "smtp", "SMSRELAY_SMTP_URL": "smtp://me:hunter2@mail.example.org"], mode: .serve)
        #expect(smtp.hasPrefix("Configuration is valid."))
        #expect(smtp.contains("smtp → smtp://me:***@mail.example.org:587?tls=required"))
        #expect(!smtp.contains("hunter2"))

        let lambda = try ConfigCheck.run(
            flags: [:],
            environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-example", "AWS_REGION": "eu-west-1"],
            mode: .lambda)
        #expect(lambda.hasPrefix("Configuration is valid for Lambda."))
        #expect(lambda.contains("ses → https://email.eu-west-1.amazonaws.com (eu-west-1)"))
        #expect(!lambda.contains("secret-example"))
        #expect(smtp.contains("media           attached up to 10 MB an item, 20 MB an email; 4 attempts of at most 30s"))
        let off = try ConfigCheck.run(flags: ["media_fetch": "false"], environment: [:], mode: .serve)
        #expect(off.contains("media           links only (fetching is off)"))
    }

    @Test("a bad trusted media host is refused by the check as by a start, naming the setting")
    func badTrustedHost() throws {
        let (start, check) = try both(["SMSRELAY_MEDIA_TRUSTED_HOSTS": "127.0.0.1:8080, not a host"])
        let message = try #require(check)
        #expect(message == start)
        #expect(message.contains("SMSRELAY_MEDIA_TRUSTED_HOSTS entry 'not a host' is not a host or host:port"), "\(message)")
        // With fetching off the list is not used, and not checked.
        #expect(try both(["SMSRELAY_MEDIA_TRUSTED_HOSTS": "not a host", "SMSRELAY_MEDIA_FETCH": "false"]).check == nil)
    }

    @Test("a check creates nothing: no data folder, no maildir")
    func createsNothing() async throws {
        try await withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data")
            _ = try ConfigCheck.run(flags: ["data_dir": data.path], environment: [:], mode: .serve)
            #expect(!FileManager.default.fileExists(atPath: data.path))
        }
    }
}
