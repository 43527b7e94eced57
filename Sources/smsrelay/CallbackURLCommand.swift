import ArgumentParser
import Foundation
import SMSRelayApp
import SMSRelayCore

struct CallbackURLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callback-url",
        abstract: "Print the callback URL to paste into the carrier's console, with its secret token.",
        discussion: """
            The URL is the public URL (SMSRELAY_PUBLIC_URL, else http://<host>:<port>), /<carrier>/ and \
            the webhook token: SMSRELAY_WEBHOOK_TOKEN, else the token `smsrelay serve` generated into \
            <data-dir>/webhook-token. With one carrier on (SMSRELAY_CARRIERS), its URL alone is printed; \
            with several, a line each, `<carrier> <url>`, unless --carrier names one. Nothing is generated \
            here. Keep the URL secret: anyone with it can post messages.
            """
    )

    @OptionGroup var options: SettingsOptions

    @Option(help: "Print this carrier's URL alone.")
    var carrier: Carrier?

    func run() async throws {
        let settings = try options.load()
        let token: String
        do {
            guard let found = try settings.webhookToken ?? WebhookToken.stored(in: settings.dataDirectory) else {
                let file = settings.dataDirectory.appendingPathComponent(WebhookToken.fileName).path
                throw ValidationError(
                    "no webhook token yet: SMSRELAY_WEBHOOK_TOKEN is not set and \(file) does not exist; "
                        + "start `smsrelay serve` once to generate it, or pass --data-dir")
            }
            token = found
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
        if let carrier {
            print(settings.callbackURL(token: token, carrier: carrier))
        } else if settings.carriers.enabled.count == 1 {
            print(settings.callbackURL(token: token, carrier: settings.carriers.enabled[0]))
        } else {
            for carrier in settings.carriers.enabled {
                print("\(carrier.rawValue) \(settings.callbackURL(token: token, carrier: carrier))")
            }
        }
    }
}
