import Foundation
import SMSRelayCore

/// A message row as every store keeps it, column for column, in plain values: what a store
/// reads back before ``OutboxRowCoding/entry(from:)`` turns it into an ``OutboxEntry``.
package struct OutboxRow: Sendable {
    package var id: Int64
    package var kind: String
    package var payload: Data
    package var status: String
    package var attempts: Int
    package var nextAttemptAt: Double?
    package var lastError: String?
    package var transportMessageID: String?
    /// JSON object, address → the server's refusal.
    package var failedRecipients: String?
    package var createdAt: Double
    package var pendingSince: Double?
    package var updatedAt: Double
    package var sentAt: Double?
    /// JSON array of ``MediaProgress``.
    package var media: String?
    package var conversationPosition: Int?

    package init(
        id: Int64, kind: String, payload: Data, status: String, attempts: Int, nextAttemptAt: Double?, lastError: String?,
        transportMessageID: String?, failedRecipients: String?, createdAt: Double, pendingSince: Double?, updatedAt: Double,
        sentAt: Double?, media: String?, conversationPosition: Int? = nil
    ) {
        self.id = id
        self.kind = kind
        self.payload = payload
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.transportMessageID = transportMessageID
        self.failedRecipients = failedRecipients
        self.createdAt = createdAt
        self.pendingSince = pendingSince
        self.updatedAt = updatedAt
        self.sentAt = sentAt
        self.media = media
        self.conversationPosition = conversationPosition
    }
}

/// How the stores write payloads, recipients and media progress, and read rows back: one
/// encoding, whichever database holds the outbox. Times are seconds since 1970 (UTC).
package enum OutboxRowCoding {
    /// The unique key and payload of a row: an inbound message is keyed by its carrier and
    /// id, a reply by its email's Message-ID, a notice by its event.
    package static func storage(of item: OutboxItem) throws -> (kind: OutboxKind, carrier: String, key: String, payload: Data) {
        switch item {
        case .inbound(let message): (.inbound, message.carrier, message.id, try encoder.encode(message))
        case .reply(let reply): (.reply, "reply", reply.replyMessageID, try encoder.encode(reply))
        case .notice(let notice): (.notice, "notice", notice.key, try encoder.encode(notice))
        }
    }

    /// The key an inbound message's conversation is counted under (``Conversation/key``); nil
    /// for the other kinds, which are not counted.
    package static func conversationKey(of item: OutboxItem) -> String? {
        guard case .inbound(let message) = item else { return nil }
        return Conversation(message).key
    }

    package static func encodeRecipients(_ recipients: [String: String]) throws -> String {
        String(decoding: try encoder.encode(recipients), as: UTF8.self)
    }

    package static func encodeMedia(_ media: [MediaProgress]) throws -> String {
        String(decoding: try encoder.encode(media), as: UTF8.self)
    }

    package static func decodeMedia(_ json: String) throws -> [MediaProgress] {
        try decoder.decode([MediaProgress].self, from: Data(json.utf8))
    }

    /// The hashes of `json`'s downloaded media that are among `hashes`.
    package static func hashes(in json: String, among hashes: Set<String>) -> Set<String> {
        var found: Set<String> = []
        for item in (try? decodeMedia(json)) ?? [] {
            if let hash = item.sha256, hashes.contains(hash) { found.insert(hash) }
        }
        return found
    }

    /// A revived message's media: those that could not be downloaded get another try, from
    /// their first attempt; nil when nothing changes.
    package static func revivedMedia(_ json: String) throws -> String? {
        guard var media = try? decodeMedia(json), media.contains(where: { $0.state == .failed }) else { return nil }
        for index in media.indices where media[index].state == .failed {
            media[index] = MediaProgress()
        }
        return try encodeMedia(media)
    }

    package static func entry(from row: OutboxRow) throws -> OutboxEntry {
        let id = row.id
        let item: OutboxItem
        do {
            switch OutboxKind(rawValue: row.kind) {
            case .inbound: item = .inbound(try decoder.decode(InboundMessage.self, from: row.payload))
            case .reply: item = .reply(try decoder.decode(OutboundReply.self, from: row.payload))
            case .notice: item = .notice(try decoder.decode(ReplyNotice.self, from: row.payload))
            case nil: throw OutboxError.inconsistent("stored message \(id) has unknown kind '\(row.kind)'")
            }
        } catch let error as OutboxError {
            throw error
        } catch {
            throw OutboxError.inconsistent("stored message \(id) cannot be read back: \(error)")
        }
        guard let status = OutboxStatus(rawValue: row.status) else {
            throw OutboxError.inconsistent("stored message \(id) has unknown status '\(row.status)'")
        }
        var failed: [String: String] = [:]
        if let json = row.failedRecipients {
            failed = (try? decoder.decode([String: String].self, from: Data(json.utf8))) ?? [:]
        }
        var media: [MediaProgress]?
        if let json = row.media {
            do {
                media = try decodeMedia(json)
            } catch {
                throw OutboxError.inconsistent("stored media progress of message \(id) cannot be read back: \(error)")
            }
        }
        let date = { (seconds: Double?) in seconds.map(Date.init(timeIntervalSince1970:)) }
        return OutboxEntry(
            id: id,
            item: item,
            status: status,
            attempts: row.attempts,
            nextAttemptAt: date(row.nextAttemptAt),
            lastError: row.lastError,
            transportMessageID: row.transportMessageID,
            failedRecipients: failed,
            createdAt: Date(timeIntervalSince1970: row.createdAt),
            pendingSince: Date(timeIntervalSince1970: row.pendingSince ?? row.createdAt),
            updatedAt: Date(timeIntervalSince1970: row.updatedAt),
            sentAt: date(row.sentAt),
            media: media,
            conversationPosition: row.conversationPosition
        )
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
