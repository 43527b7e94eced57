import ArgumentParser
import SMSRelayApp

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the relay: receive carrier callbacks over HTTP and deliver them as email.",
        discussion: """
            On first start without SMSRELAY_WEBHOOK_TOKEN, a random token is generated and kept in \
            <data-dir>/webhook-token, and the callback URL to paste into Flowroute is printed, that once; \
            `smsrelay callback-url` prints it again. The data folder and what the relay creates in it \
            are readable by the relay's user only (0700 and 0600). \
            With the default maildir transport, each message becomes one file in <data-dir>/mail/new/. \
            With SES and no AWS key in the environment, the credentials come from the platform: a web \
            identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN), the container endpoint \
            (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI) or the EC2 instance metadata service \
            (off with AWS_EC2_METADATA_DISABLED=true). \
            SIGTERM or SIGINT stops the server gracefully within seconds; pending messages are delivered \
            after the next start. \
            Under systemd (packaging/smsrelay.service), it says READY=1 on $NOTIFY_SOCKET once it listens \
            and STOPPING=1 as it begins to stop, and takes the secrets not set otherwise from \
            $CREDENTIALS_DIRECTORY: webhook-token, reply-secret, flowroute-secret-key, database-url, and \
            smtp-password for SMSRELAY_SMTP_PASSWORD_FILE.
            """
    )

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.load()
        let logger = LogSetup.bootstrap(level: settings.logLevel, format: settings.logFormat)
        do {
            try await ServeApp.run(settings: settings, logger: logger)
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
    }
}
