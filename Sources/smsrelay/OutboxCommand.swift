import ArgumentParser
import Foundation
import SMSRelayApp

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Inspect the outbox and revive dead messages.",
        discussion: "Safe to run while the server is running. With SMSRELAY_DATABASE_URL set, works on the shared PostgreSQL outbox.",
        subcommands: [List.self, Retry.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored messages, newest first.",
            discussion: "Under each message: the last error of a pending or dead one, how many of its MMS media are downloaded (media 2/3 fetched), when its next attempt is due, and any recipient the mail server refused while it took the message for the others.")

        @Option(help: "Only messages in this state: pending, sent or dead.")
        var status: String?
        @Option(help: "At most this many messages.")
        var limit: Int = 50
        @Option(help: "Data folder of the relay. [env: SMSRELAY_DATA_DIR, default: ./smsrelay-data]")
        var dataDir: String?

        func run() async throws {
            let outbox = try await openOutbox(dataDir: dataDir)
            do {
                print(try await outbox.list(status: status, limit: limit))
            } catch let error as ConfigError {
                await outbox.close()
                throw ValidationError(error.description)
            }
            await outbox.close()
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make dead messages pending again, due now, with their attempts reset.",
            discussion: "MMS media that could not be downloaded are tried again; those already downloaded are kept.")

        @Argument(help: "The outbox id of a dead message (see `smsrelay outbox list --status dead`).")
        var id: Int64?
        @Flag(help: "Revive every dead message.")
        var allDead = false
        @Option(help: "Data folder of the relay. [env: SMSRELAY_DATA_DIR, default: ./smsrelay-data]")
        var dataDir: String?

        func validate() throws {
            guard (id != nil) != allDead else {
                throw ValidationError("give either a message id or --all-dead")
            }
        }

        func run() async throws {
            let outbox = try await openOutbox(dataDir: dataDir)
            if let id {
                let revived = try await outbox.retry(id: id)
                await outbox.close()
                guard revived else {
                    throw ValidationError("no dead message has id \(id); `smsrelay outbox list --status dead` lists them")
                }
                print("Message \(id) is pending again; a running server delivers it at its next poll (or at its next start).")
            } else {
                let count = try await outbox.retryAllDead()
                await outbox.close()
                print("\(count) dead message\(count == 1 ? " is" : "s are") pending again.")
            }
        }
    }
}

/// Opens the outbox of an existing data folder; never creates one.
private func openOutbox(dataDir: String?) async throws -> OutboxAdmin {
    do {
        let settings = try RelaySettings.load(
            flags: dataDir.map { [SettingKey.dataDir.name: $0] } ?? [:],
            environment: ProcessInfo.processInfo.environment)
        return try await OutboxAdmin(settings: settings)
    } catch let error as ConfigError {
        throw ValidationError(error.description)
    }
}
