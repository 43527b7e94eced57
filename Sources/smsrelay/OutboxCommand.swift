import ArgumentParser
import Foundation
import Outbox
import SMSRelayConfig

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Inspect the outbox and revive dead messages.",
        discussion: "Safe to run while the server is running.",
        subcommands: [List.self, Retry.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored messages, newest first.",
            discussion: "Under each message: the last error of a pending or dead one, when its next attempt is due, and any recipient the mail server refused while it took the message for the others.")

        @Option(help: "Only messages in this state: pending, sent or dead.")
        var status: OutboxStatus?
        @Option(help: "At most this many messages.")
        var limit: Int = 50
        @Option(help: "Data folder of the relay. [env: SMSRELAY_DATA_DIR, default: ./smsrelay-data]")
        var dataDir: String?

        func run() async throws {
            let store = try openStore(dataDir: dataDir)
            let entries = try await store.list(status: status, limit: max(1, limit))
            if entries.isEmpty {
                print("No \(status.map { "\($0.rawValue) " } ?? "")messages.")
                return
            }
            print("ID".padding(7) + "STATUS".padding(9) + "TRIES".padding(6) + "RECEIVED (UTC)".padding(21) + "CARRIER ID / LAST ERROR")
            let formatter = ISO8601DateFormatter()
            for entry in entries {
                var line = String(entry.id).padding(7) + entry.status.rawValue.padding(9) + String(entry.attempts).padding(6)
                line += formatter.string(from: entry.message.receivedAt).padding(21) + entry.message.id
                print(line)
                let indent = String(repeating: " ", count: 43)
                if let error = entry.lastError, entry.status != .sent {
                    print(indent + error)
                }
                for (address, reply) in entry.failedRecipients.sorted(by: { $0.key < $1.key }) {
                    print(indent + "refused \(address): \(reply)")
                }
                if let next = entry.nextAttemptAt, entry.status == .pending {
                    print(indent + "next attempt " + formatter.string(from: next))
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make dead messages pending again, due now, with their attempts reset.")

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
            let store = try openStore(dataDir: dataDir)
            if let id {
                guard try await store.retry(id: id, now: Date()) else {
                    throw ValidationError("no dead message has id \(id); `smsrelay outbox list --status dead` lists them")
                }
                print("Message \(id) is pending again; a running server delivers it at its next poll (or at its next start).")
            } else {
                let count = try await store.retryAllDead(now: Date())
                print("\(count) dead message\(count == 1 ? " is" : "s are") pending again.")
            }
        }
    }
}

extension OutboxStatus: ExpressibleByArgument {}

/// Opens the outbox of an existing data folder; never creates one.
private func openStore(dataDir: String?) throws -> SQLiteOutboxStore {
    let settings: RelaySettings
    do {
        settings = try RelaySettings.load(
            flags: dataDir.map { [SettingKey.dataDir.name: $0] } ?? [:],
            environment: ProcessInfo.processInfo.environment)
    } catch let error as ConfigError {
        throw ValidationError(error.description)
    }
    let path = settings.dataDirectory.appendingPathComponent("outbox.sqlite").path
    guard FileManager.default.fileExists(atPath: path) else {
        throw ValidationError("no outbox at \(path); start `smsrelay serve` first or pass --data-dir")
    }
    return try SQLiteOutboxStore(path: path)
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
