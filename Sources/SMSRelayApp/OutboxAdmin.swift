import Foundation
import Outbox

/// `smsrelay outbox`: lists the outbox and revives dead messages, beside a running server or not.
public struct OutboxAdmin: Sendable {
    /// The states a listing can be narrowed to.
    public static let statuses = OutboxStatus.allCases.map(\.rawValue)

    let store: SQLiteOutboxStore

    /// Opens the outbox of an existing data folder; never creates one.
    /// - Throws: ``ConfigError`` when there is no outbox there.
    public init(settings: RelaySettings) throws {
        let path = settings.dataDirectory.appendingPathComponent(RelayAssembly.outboxFileName).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigError("no outbox at \(path); start `smsrelay serve` first or pass --data-dir")
        }
        store = try SQLiteOutboxStore(path: path)
    }

    /// The listing, newest first: under each message its last error, refused recipients and next attempt.
    /// - Parameter status: one of ``statuses``, or nil for all.
    public func list(status: String?, limit: Int) async throws -> String {
        let filter: OutboxStatus?
        if let status {
            guard let known = OutboxStatus(rawValue: status) else {
                throw ConfigError("unknown status '\(status)'; use \(Self.statuses.joined(separator: ", "))")
            }
            filter = known
        } else {
            filter = nil
        }
        let entries = try await store.list(status: filter, limit: max(1, limit))
        if entries.isEmpty {
            return "No \(filter.map { "\($0.rawValue) " } ?? "")messages."
        }
        var lines = ["ID".padding(7) + "STATUS".padding(9) + "TRIES".padding(6) + "RECEIVED (UTC)".padding(21) + "CARRIER ID / LAST ERROR"]
        let formatter = ISO8601DateFormatter()
        let indent = String(repeating: " ", count: 43)
        for entry in entries {
            var line = String(entry.id).padding(7) + entry.status.rawValue.padding(9) + String(entry.attempts).padding(6)
            line += formatter.string(from: entry.message.receivedAt).padding(21) + entry.message.id
            lines.append(line)
            if let media = entry.media, !media.isEmpty {
                lines.append(indent + "media " + media.summary)
            }
            if let error = entry.lastError, entry.status != .sent {
                lines.append(indent + error)
            }
            for (address, reply) in entry.failedRecipients.sorted(by: { $0.key < $1.key }) {
                lines.append(indent + "refused \(address): \(reply)")
            }
            if let next = entry.nextAttemptAt, entry.status == .pending {
                lines.append(indent + "next attempt " + formatter.string(from: next))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Makes one dead message pending again, due now; false when no dead message has that id.
    public func retry(id: Int64) async throws -> Bool {
        try await store.retry(id: id, now: Date())
    }

    /// Makes every dead message pending again; returns how many.
    public func retryAllDead() async throws -> Int {
        try await store.retryAllDead(now: Date())
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
