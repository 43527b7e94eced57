import ArgumentParser
import Foundation
import SMSRelayApp
import SMSRelayCore

struct ReplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply",
        abstract: "Take a reply email on standard input and store it to be sent back as an SMS (for an MTA's pipe).",
        discussion: """
            Reads one RFC 5322 email on standard input, as Postfix's and Exim's pipe transports give it. \
            Its recipient (--recipient, else its Delivered-To or To) must be a reply address of \
            SMSRELAY_REPLY_DOMAIN, which says which of your numbers answers which texter and carries a \
            code that cannot be forged; its sender (From, and --sender) must be a recipient of that \
            number's route or listed in reply_from. The new text, without the quoted original and \
            the signature, is stored in the outbox of --data-dir; a running `smsrelay serve` sends it \
            within a second. Safe to run while the server runs. Nothing of the text is logged.

            Exit status (sysexits, which MTAs turn into bounces or retries): 0 stored (or stored \
            before: the same email sends one SMS); 65 not usable: not an email, no new text, too \
            long, an automatic message (the replier is emailed a notice for no new text and too \
            long); 67 not a valid reply address; 77 a sender not allowed, or failing the MTA's Authentication-Results; \
            75 try again later: the settings or the outbox. The reason is on standard error.
            """
    )

    @Option(help: "The envelope recipient (Postfix: ${recipient}); else the email's Delivered-To or To.")
    var recipient: String?
    @Option(help: "The envelope sender (Postfix: ${sender}); checked as From is. Empty for a bounce, which is refused.")
    var sender: String?

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let code: Int32
        let settings: RelaySettings
        do {
            settings = try options.load()
        } catch let error as ValidationError {
            Self.fail(75, "the settings cannot be used: \(error.message)")
        }
        let logger = LogSetup.bootstrap(level: settings.logLevel, format: settings.logFormat)
        do throws(ReplyRefusal) {
            let intake = try await ReplyApp.intake(settings: settings, logger: logger)
            let input = FileHandle.standardInput.readData(ofLength: ReplyIntake.maximumBytes + 1)
            let accepted: ReplyAccepted
            do throws(ReplyRefusal) {
                accepted = try await intake.take(Array(input), recipient: recipient, envelopeSender: sender, logger: logger)
            } catch {
                await intake.close()
                throw error
            }
            await intake.close()
            let what = accepted.isNew ? "Stored the reply" : "This reply was stored before"
            print("\(what) as outbox message \(accepted.id): \(accepted.characters) characters, \(accepted.segments) SMS segment\(accepted.segments == 1 ? "" : "s").")
            code = 0
        } catch {
            Self.fail(Self.exitStatus(error.kind), error.message)
        }
        throw ExitCode(code)
    }

    /// sysexits.h, as MTAs read them.
    static func exitStatus(_ kind: ReplyRefusal.Kind) -> Int32 {
        switch kind {
        case .unreadable, .content, .automatic: 65  // EX_DATAERR
        case .noSuchAddress: 67  // EX_NOUSER
        case .notAllowed: 77  // EX_NOPERM
        case .temporary: 75  // EX_TEMPFAIL
        }
    }

    private static func fail(_ status: Int32, _ message: String) -> Never {
        FileHandle.standardError.write(Data("smsrelay reply: \(message)\n".utf8))
        Foundation.exit(status)
    }
}

struct SendSMSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-sms",
        abstract: "Send one SMS through a carrier now, as replies are sent: to try the credentials.",
        discussion: """
            Sends through --carrier, else the carrier the route of --from names (carrier: in the \
            config file), else Flowroute, with that carrier's API settings (README, Carriers: \
            SMSRELAY_FLOWROUTE_ACCESS_KEY and SMSRELAY_FLOWROUTE_SECRET_KEY, \
            SMSRELAY_TWILIO_ACCOUNT_SID and SMSRELAY_TWILIO_AUTH_TOKEN, …). --from must be a number \
            of that account that can send texts. Prints the carrier's id for the message; an error \
            says what the carrier refused and what to check. Nothing is stored in the outbox.
            """
    )

    @Option(help: "The texter's number, with its country code: 12065551234.")
    var to: String
    @Option(help: "Your number to send from: 12065550100.")
    var from: String
    @Option(help: "The carrier to send through (default: the one the route of --from names, else flowroute).")
    var carrier: Carrier?
    @Argument(help: "The text to send.")
    var text: String

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let settings = try options.load()
        let logger = LogSetup.bootstrap(level: settings.logLevel, format: settings.logFormat)
        do {
            let (used, id) = try await ReplyApp.sendSMS(settings: settings, carrier: carrier, from: from, to: to, text: text, logger: logger)
            print("Sent; \(used.displayName)'s id for the message: \(id.isEmpty ? "(none given)" : id)")
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
