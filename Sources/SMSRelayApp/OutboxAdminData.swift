import Foundation
import Outbox
import SMSRelayCore
import SMSRelayServer

/// The admin page's view of the outbox: rows in words, the day's volume, and retry (which wakes
/// the worker, so that a revived message goes at once).
struct OutboxAdminData: AdminData {
    let store: any OutboxStore
    let wake: @Sendable () -> Void

    func recent(limit: Int) async throws -> [AdminMessage] {
        try await store.list(Set(OutboxKind.allCases), status: nil, limit: limit).map(Self.message)
    }

    func dead(limit: Int) async throws -> [AdminMessage] {
        try await store.list(Set(OutboxKind.allCases), status: .dead, limit: limit).map(Self.message)
    }

    func volume(now: Date) async throws -> AdminVolume {
        // Whole hours: the chart's last bar is the hour now running.
        let hour = (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600
        let start = Date(timeIntervalSince1970: hour - 23 * 3600)
        var inbound = [Int](repeating: 0, count: 24), outbound = [Int](repeating: 0, count: 24)
        for row in try await store.hourlyVolume(since: start) where (0..<24).contains(row.hour) {
            switch row.kind {
            case .inbound: inbound[row.hour] += row.count
            case .reply: outbound[row.hour] += row.count
            case .notice: break
            }
        }
        return AdminVolume(start: start, inbound: inbound, outbound: outbound)
    }

    func retry(id: Int64) async throws -> Bool {
        let revived = try await store.retry(id: id, now: Date())
        if revived { wake() }
        return revived
    }

    static func message(_ entry: OutboxEntry) -> AdminMessage {
        let (direction, from, to, body): (AdminMessage.Direction, String, String, String)
        switch entry.item {
        case .inbound(let message):
            let media = message.media.isEmpty ? "" : " [\(message.media.count) media]"
            (direction, from, to, body) = (.inbound, message.from, message.to, message.body + media)
        case .reply(let reply):
            (direction, from, to, body) = (.reply, reply.from, reply.to, reply.body)
        case .notice(let notice):
            (direction, from, to, body) = (.notice, "relay", notice.replier, "\(notice.kind.rawValue): \(notice.reason)")
        }
        // Numbers as the emails show them (`+1 855-356-9768`); a notice's replier is an address.
        let readable = { (text: String) in text.contains("@") || text == "relay" ? text : PhoneNumberText.readable(text) }
        return AdminMessage(
            id: entry.id, direction: direction, status: entry.status.rawValue, attempts: entry.attempts, createdAt: entry.createdAt,
            from: readable(from), to: readable(to), body: body, lastError: entry.lastError)
    }
}

/// `smsrelay admin-password`: the bcrypt hash of a password, for `SMSRELAY_ADMIN_PASSWORD_FILE`.
public enum AdminPasswordCommandSupport {
    /// The hash of `password`, or an error in words when it is too short.
    public static func hash(_ password: String) throws -> String {
        guard password.count >= AdminPassword.minimumLength else {
            throw ConfigError("the password is \(password.count) characters long; use at least \(AdminPassword.minimumLength)")
        }
        return AdminPasswordHasher.hash(password)
    }
}
