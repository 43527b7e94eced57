import Foundation

/// `message.received`: an inbound SMS or MMS. `payload.id` and `payload.from.phone_number` are
/// required; the rest is read if it can be. The message time is `payload.received_at`, else the
/// event's `occurred_at`, else the arrival.
extension TelnyxEvent {
    static func message(
        _ payload: JSONObjectReader,
        event: JSONObjectReader,
        carrier: String,
        receivedAt: Date,
        notices: inout [ParseNotice]
    ) throws(PayloadError) -> InboundMessage {
        let id = try payload.identifier("id")
        guard let from = phoneNumber(payload.fields["from"]) else { throw senderError(payload) }

        let recipients = entries(payload.fields["to"])
        let numbers = recipients.enumerated().compactMap { index, entry -> String? in
            guard let number = phoneNumber(entry) else {
                notices.append(ParseNotice(field: JSONPath.appending(index: index, to: payload.path(of: "to")), "is not a phone number; left out"))
                return nil
            }
            return number
        }
        let copied = entries(payload.fields["cc"]).enumerated().compactMap { index, entry -> String? in
            guard let number = phoneNumber(entry) else {
                notices.append(ParseNotice(field: JSONPath.appending(index: index, to: payload.path(of: "cc")), "is not a phone number; left out"))
                return nil
            }
            return number
        }
        let to = numbers.first ?? ""
        let others = GroupRecipients.others(in: Array(numbers.dropFirst()) + copied, excluding: [from, to])

        let time = payload.timestamp("received_at", notices: &notices)
            ?? event.timestamp("occurred_at", notices: &notices)
            ?? receivedAt
        return InboundMessage(
            carrier: carrier,
            id: id,
            from: from,
            to: to,
            body: payload.text("text") ?? "",
            receivedAt: time,
            media: media(payload, notices: &notices),
            groupRecipients: others
        )
    }

    /// `payload.media`: `{"url", "content_type", "size", "hash_sha256"}` objects.
    static func media(_ payload: JSONObjectReader, notices: inout [ParseNotice]) -> [MediaItem] {
        var seen: Set<String> = []
        var items: [MediaItem] = []
        for object in payload.lenientObjects("media") {
            guard let url = object.trimmedText("url") else {
                notices.append(ParseNotice(field: object.path, "a media object without a URL"))
                items.append(MediaItem(url: "", mimeType: object.trimmedText("content_type"), problem: "the carrier gave no address for it"))
                continue
            }
            guard seen.insert(url).inserted else { continue }
            items.append(MediaItem(url: url, mimeType: object.trimmedText("content_type"), fileSize: object.size("size")))
        }
        let limit = TelnyxParser.maximumMediaItems
        if items.count > limit {
            notices.append(ParseNotice(field: payload.path(of: "media"), "\(items.count) media items; only the first \(limit) are kept"))
            items = Array(items.prefix(limit))
        }
        return items
    }

    /// Why `payload.from` is not a sender number.
    private static func senderError(_ payload: JSONObjectReader) -> PayloadError {
        switch payload.fields["from"] {
        case nil, .null?:
            return .missing(payload.path(of: "from.phone_number"))
        case .object(let sender)?:
            do {
                _ = try JSONObjectReader(sender, path: payload.path(of: "from")).phoneNumber("phone_number")
                return .invalid(payload.path(of: "from.phone_number"), "is not a phone number")
            } catch {
                return error
            }
        case let other?:
            return payload.mismatch("from", expected: "an object with a phone_number", found: other)
        }
    }
}
