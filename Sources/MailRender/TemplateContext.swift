import Foundation
import MailKit
import SMSRelayCore

/// The values templates see for one message (the keys are listed on ``DefaultTemplates``).
///
/// Optional values are left out rather than set to an empty string: Mustache treats an empty
/// string as present, and a missing key inside `{{#media}}` would otherwise be looked up in the
/// enclosing scope. Every key of a media item is therefore distinct from the top-level keys.
enum TemplateContext {
    /// - Parameters:
    ///   - deliveries: when the email carries the downloaded media, what it does with
    ///     each item, in the order of `message.media` (nil for an item it only lists, such as one
    ///     with a problem); nil when the email only lists the links.
    ///   - route: the route whose contacts name known numbers (``Route/contactName(for:)``).
    ///   - timeZone: the zone of the readable time, and its name as configured.
    static func values(
        for message: InboundMessage, deliveries: [MediaDelivery?]? = nil, route: Route? = nil,
        timeZone: ReadableTimeZone = .utc
    ) -> [String: Any] {
        let media = message.media.enumerated().map { index, item in
            mediaValues(item, position: index + 1, delivery: deliveries?[index] ?? nil)
        }
        let body = Neutralise.body(message.body)
        var values: [String: Any] = [
            "body": body,
            "hasBody": !body.isEmpty,
            "bodyLines": bodyLines(body),
            "receivedAt": UTCTime(message.receivedAt).iso8601,
            "receivedAtReadable": timeZone.readable(message.receivedAt),
            "receivedAtLocal": timeZone.iso8601(message.receivedAt),
            "timeZone": timeZone.name,
            "carrier": Neutralise.singleLine(message.carrier),
            "messageID": Neutralise.singleLine(message.id),
            "hasMedia": !media.isEmpty,
            "mediaCount": media.count,
            "media": media,
        ]
        values.merge(party("from", message.from, route: route)) { _, new in new }
        values.merge(party("to", message.to, route: route)) { _, new in new }
        values["carrierName"] = Neutralise.singleLine(Carrier.displayName(ofTag: message.carrier))
        let group = (message.groupRecipients ?? []).map { party("member", $0, route: route) }
        values["isGroup"] = !group.isEmpty
        if !group.isEmpty {
            values["group"] = group
            values["groupCount"] = group.count
            values["groupDisplay"] = group.compactMap { $0["memberDisplay"] as? String }.joined(separator: ", ")
            // Everyone but us, in the order of their numbers: the same for every text of the group.
            let everyone = ([message.from] + (message.groupRecipients ?? []))
                .sorted { Conversation.participantKey($0) < Conversation.participantKey($1) }
            values["participantsDisplay"] = everyone.compactMap { party("member", $0, route: route)["memberDisplay"] as? String }
                .joined(separator: ", ")
        }
        return values
    }

    /// A number's values under `key`: `from` (readable), `fromRaw` (as the carrier gave it),
    /// `fromName` (its contact name, when it has one) and `fromDisplay` (`Alice (+1 206-555-0100)`,
    /// or the readable number). A number the carrier did not give reads `(unknown number)`,
    /// without a raw value.
    static func party(_ key: String, _ number: String, route: Route?) -> [String: Any] {
        let raw = Neutralise.singleLine(number).trimmingCharacters(in: .whitespaces)
        guard !raw.isEmpty else {
            return [key: "(unknown number)", key + "Display": "(unknown number)"]
        }
        let readable = PhoneNumberText.readable(raw)
        var values: [String: Any] = [key: readable, key + "Raw": raw, key + "Display": readable]
        if let name = route?.contactName(for: raw).map(Neutralise.singleLine)?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            values[key + "Name"] = name
            values[key + "Display"] = "\(name) (\(readable))"
        }
        return values
    }

    /// The text's lines (split at CRLF, LF or CR), each flagged with whether a break follows.
    private static func bodyLines(_ body: String) -> [[String: Any]] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var afterCR = false
        for scalar in body.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            if scalar == "\n", afterCR { continue }  // the LF of a CRLF
            if scalar == "\r" || scalar == "\n" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        return lines.enumerated().map { index, line in
            ["text": line, "lineBreak": index < lines.count - 1]
        }
    }

    private static func mediaValues(_ item: MediaItem, position: Int, delivery: MediaDelivery?) -> [String: Any] {
        let name = Neutralise.singleLine(displayName(of: item, position: position))
        var values: [String: Any] = [
            "url": Neutralise.singleLine(item.url),
            "name": name,
            "isLink": item.problem == nil && isWebLink(item.url),
        ]
        if let problem = item.problem {
            values["problem"] = Neutralise.singleLine(problem)
        }
        var details: [String] = []
        if let type = item.mimeType.map(Neutralise.singleLine), !type.isEmpty {
            values["type"] = type
            details.append(type)
        }
        if let size = item.fileSize, size >= 0 {
            let readable = readableSize(size)
            values["size"] = readable
            details.append(readable)
        }
        if !details.isEmpty {
            values["details"] = details.joined(separator: ", ")
        }
        switch delivery {
        case nil:
            break
        case .attached(let attachment):
            let type = Neutralise.singleLine(attachment.contentType)
            let size = readableSize(attachment.data.count)
            values["type"] = type
            values["size"] = size
            values["details"] = type + ", " + size
            values["attached"] = true
            values["fileName"] = attachment.fileName
            values["renamed"] = attachment.fileName != name
            values["inline"] = attachment.contentID != nil
            if let contentID = attachment.contentID {
                values["cid"] = contentID
            }
            if let note = attachment.note {
                values["attachmentNote"] = Neutralise.singleLine(note)
            }
        case .notAttached(let reason):
            values["attached"] = false
            values["inline"] = false
            let reason = Neutralise.singleLine(reason).trimmingCharacters(in: .whitespaces)
            values["notAttached"] = reason.isEmpty ? "no reason given" : reason
        }
        return values
    }

    /// The file name the carrier gave, else the last path component of the URL, else `file N`.
    private static func displayName(of item: MediaItem, position: Int) -> String {
        if let name = item.fileName, !name.isEmpty { return name }
        if let components = URLComponents(string: item.url),
            let last = components.path.split(separator: "/").last, !last.isEmpty
        {
            return String(last)
        }
        return "file \(position)"
    }

    /// Whether `url` is an absolute `http` or `https` URL with a host, without whitespace or
    /// control characters: only those become links.
    static func isWebLink(_ url: String) -> Bool {
        guard !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }),
            let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            return false
        }
        return true
    }

    /// `532 bytes`, `1 byte`, `12.3 KB`, `4.0 MB` (binary multiples, one decimal).
    static func readableSize(_ bytes: Int) -> String {
        if bytes == 1 { return "1 byte" }
        if bytes < 1024 { return "\(bytes) bytes" }
        let units = ["KB", "MB", "GB", "TB"]
        var unit = 0
        var divisor = 1024
        while unit < units.count - 1, bytes / divisor >= 1024 {
            divisor *= 1024
            unit += 1
        }
        // Integer arithmetic that cannot overflow, whatever size a carrier claims.
        let tenths = bytes / divisor * 10 + (bytes % divisor * 10 + divisor / 2) / divisor
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
