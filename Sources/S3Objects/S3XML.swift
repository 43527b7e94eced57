import Foundation

/// The little XML S3 speaks for tags and errors, read and written without a parser: S3's answers
/// are flat and its element names fixed.
enum S3XML {
    /// The text of the first `<name>…</name>`, entities decoded.
    static func firstValue(of name: String, in text: String) -> String? {
        values(of: name, in: Substring(text)).first
    }

    /// The text of every `<name>…</name>` in order, entities decoded.
    static func values(of name: String, in text: Substring) -> [String] {
        var found: [String] = []
        var rest = text
        while let open = rest.range(of: "<\(name)>"), let close = rest[open.upperBound...].range(of: "</\(name)>") {
            found.append(unescape(String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// The tags of a `GetObjectTagging` answer.
    static func tags(in text: String) -> [String: String] {
        var tags: [String: String] = [:]
        var rest = Substring(text)
        while let open = rest.range(of: "<Tag>"), let close = rest[open.upperBound...].range(of: "</Tag>") {
            let tag = rest[open.upperBound..<close.lowerBound]
            if let key = values(of: "Key", in: tag).first {
                tags[key] = values(of: "Value", in: tag).first ?? ""
            }
            rest = rest[close.upperBound...]
        }
        return tags
    }

    /// A `PutObjectTagging` body, tags sorted by key.
    static func tagging(_ tags: [String: String]) -> String {
        let items = tags.sorted { $0.key < $1.key }.map { "<Tag><Key>\(escape($0.key))</Key><Value>\(escape($0.value))</Value></Tag>" }
        return #"<?xml version="1.0" encoding="UTF-8"?><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>"#
            + items.joined() + "</TagSet></Tagging>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
