/// MIME header parameters (`name="value"`), with RFC 2231 encoding for values that are not
/// plain ASCII or are too long for one line.
enum MIMEParameter {
    /// The `attribute=value` words for one parameter, to be written separated by `;`.
    ///
    /// Printable ASCII values up to 60 characters are quoted strings. Anything else is
    /// percent-encoded UTF-8 (`filename*=UTF-8''%C3%A9t%C3%A9.txt`), cut into numbered sections
    /// (`filename*0*=…; filename*1*=…`) when long, never inside a `%XX` triplet. Control
    /// characters are replaced by spaces first.
    static func words(name: String, value rawValue: String) -> [String] {
        let value = HeaderText.neutralisingControls(rawValue)
        if value.utf8.count <= 60, value.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) {
            return [name + "=" + HeaderField.quotedString(value)]
        }
        let encoded = percentEncoded(value)
        let whole = name + "*=UTF-8''" + encoded
        if whole.utf8.count <= 70 {
            return [whole]
        }
        var words: [String] = []
        var section = ""
        var index = encoded.startIndex
        while index < encoded.endIndex {
            // A triplet (or one plain character) at a time, so none is cut.
            let length = encoded[index] == "%" ? 3 : 1
            let end = encoded.index(index, offsetBy: length)
            section += encoded[index..<end]
            index = end
            if section.utf8.count >= 48 || index == encoded.endIndex {
                let prefix = words.isEmpty ? "UTF-8''" : ""
                words.append("\(name)*\(words.count)*=\(prefix)\(section)")
                section = ""
            }
        }
        return words
    }

    /// RFC 2231 `attribute-char`s as is, every other byte as `%XX`.
    private static func percentEncoded(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case _ where "!#$&+-.^_`|~".utf8.contains(byte):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + Hex.byte(byte)
            }
        }
        return result
    }

    /// A `type/subtype` for an attachment part: the given one, lower-cased and without
    /// parameters, when it is well formed and can be carried in base64; otherwise
    /// `application/octet-stream`. (`multipart/*` and `message/*` may not be base64-encoded.)
    static func attachmentContentType(_ given: String) -> String {
        let fallback = "application/octet-stream"
        let essence = given.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let parts = essence.trimmingEdges(of: " \t").lowercased().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isTokenCharacter) }),
            parts[0] != "multipart", parts[0] != "message"
        else {
            return fallback
        }
        return parts.joined(separator: "/")
    }

    /// RFC 2045 `token` characters: printable ASCII except space and `tspecials`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && !"()<>@,;:\\\"/[]?=".utf8.contains(byte)
    }
}

extension String {
    fileprivate func trimmingEdges(of set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
