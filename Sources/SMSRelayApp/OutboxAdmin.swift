import FlowrouteAPI
import Foundation
import Logging
import Outbox
import SMSRelayCore
import SMSRelayLambdaApp

/// `smsrelay outbox`: lists the outbox and revives dead messages, beside a running server or not.
public struct OutboxAdmin: Sendable {
    /// The states a listing can be narrowed to.
    public static let statuses = OutboxStatus.allCases.map(\.rawValue)

    let store: any OutboxStore

    /// Opens the outbox of an existing data folder (never creating one), or the shared database.
    /// - Throws: ``ConfigError`` when there is no outbox there.
    /// - Parameter logger: for the database connections; warnings and worse only by default.
    public init(settings: RelaySettings, logger: Logger = OutboxAdmin.quietLogger) async throws {
        store = try await OutboxOpener.openExisting(settings, logger: logger) { path in
            ConfigError("no outbox at \(path); start `smsrelay serve` first or pass --data-dir")
        }
    }

    public static var quietLogger: Logger {
        var logger = Logger(label: "smsrelay.outbox")
        logger.logLevel = .warning
        return logger
    }

    /// Closes the outbox's connections.
    public func close() async {
        await store.close()
    }

    /// The listing, newest first: each row's direction (`in`: a text to email, `out`: a reply to
    /// send as SMS, `notice`: an email to a replier), and under it its last error, refused
    /// recipients, a reply's segments and receipts, and its next attempt.
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
        var lines = [
            "ID".padding(7) + "DIR".padding(7) + "STATUS".padding(9) + "TRIES".padding(6) + "RECEIVED (UTC)".padding(21)
                + "CARRIER ID / LAST ERROR",
        ]
        let formatter = ISO8601DateFormatter()
        let indent = String(repeating: " ", count: 50)
        for entry in entries {
            var line = String(entry.id).padding(7) + entry.item.kind.rawValue.padding(7) + entry.status.rawValue.padding(9)
                + String(entry.attempts).padding(6)
            switch entry.item {
            case .inbound(let message):
                line += formatter.string(from: message.receivedAt).padding(21) + message.id
            case .reply(let reply):
                line += formatter.string(from: reply.receivedAt).padding(21) + (entry.transportMessageID ?? "reply " + reply.replyMessageID)
            case .notice(let notice):
                line += formatter.string(from: entry.createdAt).padding(21) + "notice (\(notice.kind.rawValue)) to \(notice.replier)"
            }
            lines.append(line)
            if let reply = entry.reply {
                let count = SMSSegments.count(reply.body)
                let encoding = count.encoding == .gsm7 ? "GSM-7" : "UCS-2"
                lines.append(indent + "\(reply.body.count) characters, \(count.segments) SMS segment\(count.segments == 1 ? "" : "s") (\(encoding))")
                if let id = entry.transportMessageID {
                    for receipt in try await store.receipts(messageID: id) {
                        let details = receipt.details
                        lines.append(indent + "receipt \(receipt.status)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))"))
                    }
                }
            }
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
