import DynamoDBItems
import Foundation
import SMSRelayCore

/// Lambda: a DynamoDB table that remembers, per carrier message, that its email is being sent or
/// was sent, so that a callback the carrier retries sends one email, not two.
///
/// One item per message, keyed `id` = `<carrier>:<message id>`:
/// `{id, state: sending | sent, started, expires, claim}` (epoch seconds; `expires` is the
/// table's TTL attribute, 7 days on), with `transport_id` and `sent` once the mail system took it.
/// A claim is a conditional `PutItem`: it succeeds when there is no item, or when the item is a
/// `sending` whose invocation must be over (started longer ago than the function's timeout).
/// Otherwise the item as it is says why: `sent` (answer as delivered) or a fresh `sending`
/// (another invocation has it in hand).
package struct IdempotencyTable: Sendable {
    package let client: DynamoDBClient
    package let table: String

    /// How long an item is kept: longer than any carrier retries a callback.
    package static let retention: Int = 7 * 86_400

    package enum Claim: Sendable, Equatable {
        /// Ours to send: `token` names this claim.
        case claimed(token: String)
        /// Sent before, with the mail system's id when it gave one.
        case alreadySent(transportID: String?)
        /// Another invocation claimed it `startedAt` (epoch seconds) and may still be sending.
        case inFlight(startedAt: Int?)
    }

    package enum Attribute {
        static let id = "id", state = "state", started = "started", expires = "expires", claim = "claim"
        static let transportID = "transport_id", sent = "sent"
    }

    package enum State {
        static let sending = "sending", sent = "sent"
    }

    /// The item key of a message: `<carrier>:<message id>`.
    package static func key(for message: InboundMessage) -> String { "\(message.carrier):\(message.id)" }

    /// Claims the message for this invocation.
    /// - Parameters:
    ///   - now: the time written as `started`.
    ///   - staleAfter: seconds after which a `sending` item belongs to an invocation that is over.
    package func claim(_ key: String, now: Date, staleAfter: Int) async throws(DynamoDBError) -> Claim {
        let seconds = Int(now.timeIntervalSince1970.rounded(.down))
        let token = UUID().uuidString.lowercased()
        let item: DynamoDBItem = [
            Attribute.id: .string(key),
            Attribute.state: .string(State.sending),
            Attribute.started: .integer(seconds),
            Attribute.expires: .integer(seconds + Self.retention),
            Attribute.claim: .string(token),
        ]
        let condition = DynamoDBExpression(
            "attribute_not_exists(#id) OR (#state = :sending AND #started < :stale)",
            names: ["#id": Attribute.id, "#state": Attribute.state, "#started": Attribute.started],
            values: [":sending": .string(State.sending), ":stale": .integer(seconds - staleAfter)])
        do throws(DynamoDBError) {
            try await client.putItem(table: table, item: item, condition: condition, returningItemOnFailure: true)
            return .claimed(token: token)
        } catch let error where error.kind == .conditionalCheckFailed {
            // DynamoDB sends the item that failed the check; an emulator that does not is asked.
            let existing: DynamoDBItem?
            if let item = error.item {
                existing = item
            } else {
                existing = try await client.getItem(table: table, key: [Attribute.id: .string(key)])
            }
            guard let existing else {
                // Released between the two requests: the carrier's next try claims it.
                return .inFlight(startedAt: nil)
            }
            if existing[Attribute.state]?.stringValue == State.sent {
                return .alreadySent(transportID: existing[Attribute.transportID]?.stringValue)
            }
            return .inFlight(startedAt: existing[Attribute.started]?.integerValue)
        }
    }

    /// Records that the mail system took the message.
    package func recordSent(_ key: String, transportID: String?, now: Date) async throws(DynamoDBError) {
        let seconds = Int(now.timeIntervalSince1970.rounded(.down))
        var values: DynamoDBItem = [":sent": .string(State.sent), ":now": .integer(seconds), ":expires": .integer(seconds + Self.retention)]
        var names = ["#state": Attribute.state, "#sent": Attribute.sent, "#expires": Attribute.expires]
        var text = "SET #state = :sent, #sent = :now, #expires = :expires"
        if let transportID {
            text += ", #transport = :transport"
            names["#transport"] = Attribute.transportID
            values[":transport"] = .string(transportID)
        }
        try await client.updateItem(
            table: table, key: [Attribute.id: .string(key)], update: DynamoDBExpression(text, names: names, values: values))
    }

    /// Gives up this invocation's claim after a failed send, so that the carrier's retry sends.
    /// A claim another invocation has taken over since is left alone.
    package func release(_ key: String, token: String) async throws(DynamoDBError) {
        let condition = DynamoDBExpression(
            "#claim = :claim AND #state = :sending",
            names: ["#claim": Attribute.claim, "#state": Attribute.state],
            values: [":claim": .string(token), ":sending": .string(State.sending)])
        do throws(DynamoDBError) {
            try await client.deleteItem(table: table, key: [Attribute.id: .string(key)], condition: condition)
        } catch let error where error.kind == .conditionalCheckFailed {
            return
        }
    }
}
