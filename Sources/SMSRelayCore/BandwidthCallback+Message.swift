import Foundation

/// `message-received`. `message.id` and `message.from` are required. Our number is the
/// callback's `to`, else `message.owner`, else the first of `message.to`; the time is
/// `message.time`, else the callback's `time`, else the arrival. A group message is stored under
/// a key of its own (``groupKey(from:message:)``), so that one email comes of it however many of
/// our numbers it went to.
///
/// `message.media` lists URLs. Bandwidth adds the MMS's presentation parts (a SMIL layout, an XML
/// part) to that list; they are not content and are left out, with a notice.
extension BandwidthCallback {
    static func message(_ callback: JSONObjectReader, receivedAt: Date, notices: inout [ParseNotice]) throws(PayloadError) -> InboundMessage {
        let message = try callback.object("message")
        let id = try message.identifier("id")
        let from = try message.phoneNumber("from")

        var recipients: [String] = []
        switch message.fields["to"] {
        case .array(let elements)?:
            for (index, element) in elements.enumerated() {
                guard let number = JSONObjectReader.phoneNumber(in: element) else {
                    notices.append(ParseNotice(field: JSONPath.appending(index: index, to: message.path(of: "to")), "is not a phone number; left out"))
                    continue
                }
                recipients.append(number)
            }
        case .null?, nil:
            break
        case let value?:
            if let number = JSONObjectReader.phoneNumber(in: value) {
                recipients.append(number)
            } else {
                notices.append(ParseNotice(field: message.path(of: "to"), "is not a list of phone numbers; left out"))
            }
        }
        let to = callback.optionalPhoneNumber("to", notices: &notices)
            ?? message.optionalPhoneNumber("owner", notices: &notices)
            ?? recipients.first
            ?? ""
        let time = message.timestamp("time", notices: &notices)
            ?? callback.timestamp("time", notices: &notices)
            ?? receivedAt

        let others = GroupRecipients.others(in: recipients, excluding: [from, to])
        return InboundMessage(
            carrier: BandwidthParser.carrier,
            id: others.isEmpty ? id : groupKey(from: from, message: message) ?? id,
            from: from,
            to: to,
            body: message.text("text") ?? "",
            receivedAt: time,
            media: media(message, notices: &notices),
            groupRecipients: others
        )
    }

    /// The key of a group message, the same in each callback Bandwidth posts for it: Bandwidth
    /// gives each of our numbers in a group its own callback and message id, but the relay makes
    /// one email of the group message, so its copies are stored under the sender and the time
    /// Bandwidth received it (`group-18553569768-2024-01-15T20:16:07.503Z`). Nil without a time,
    /// when the carrier's id is kept.
    static func groupKey(from: String, message: JSONObjectReader) -> String? {
        guard let time = message.text("time")?.trimmingBlanks(), !time.isEmpty else { return nil }
        let safe = time.filter { $0.isASCII && ($0.isLetter || $0.isNumber || ".:-+".contains($0)) }
        return "group-" + Conversation.participantKey(from) + "-" + safe
    }

    static let presentationSuffixes = [".smil", ".xml"]

    static func media(_ message: JSONObjectReader, notices: inout [ParseNotice]) -> [MediaItem] {
        let path = message.path(of: "media")
        var urls: [(index: Int, url: String?)] = []
        switch message.fields["media"] {
        case .array(let elements)?:
            for (index, element) in elements.enumerated() {
                guard case .string(let text) = element, !text.trimmingBlanks().isEmpty else {
                    urls.append((index, nil))
                    continue
                }
                urls.append((index, text.trimmingBlanks()))
            }
        case .string(let text)?:
            urls.append((0, text.trimmingBlanks().isEmpty ? nil : text.trimmingBlanks()))
        default:
            break
        }

        var seen: Set<String> = []
        var items: [MediaItem] = []
        for (index, url) in urls {
            let field = JSONPath.appending(index: index, to: path)
            guard let url else {
                notices.append(ParseNotice(field: field, "is not a media URL"))
                items.append(.unreadable("the carrier gave no address for it"))
                continue
            }
            let name = fileName(of: url)
            if let name, presentationSuffixes.contains(where: { name.lowercased().hasSuffix($0) }) {
                notices.append(ParseNotice(field: field, "\(JSONPath.quote(name)) is the MMS's presentation part; left out"))
                continue
            }
            guard seen.insert(url).inserted else { continue }
            items.append(MediaItem(url: url, fileName: name))
        }
        let limit = BandwidthParser.maximumMediaItems
        if items.count > limit {
            notices.append(ParseNotice(field: path, "\(items.count) media items; only the first \(limit) are kept"))
            items = Array(items.prefix(limit))
        }
        return items
    }

    /// The last segment of a URL's path (`…/media/<message id>/0/photo.jpg` → `photo.jpg`), without
    /// the query; nil when there is none.
    static func fileName(of url: String) -> String? {
        guard let path = URLComponents(string: url)?.path,
              let last = path.split(separator: "/").last
        else { return nil }
        return String(last)
    }
}
