extension MIMEParameter {
    /// A received `Content-Type` or `Content-Disposition` value split into its lower-cased
    /// leading value (`text/plain`, `attachment`) and its parameters.
    ///
    /// Parameter names are lower-cased. Values may be tokens or quoted strings (`\` escapes
    /// undone); a `;` inside quotes does not split. RFC 2231 sections (`name*0`, `name*1*`) are
    /// joined in order and extended values (`UTF-8'en'%C3%A9`) decoded from their charset; an
    /// extended value wins over a plain one of the same name. Encoded words in plain values
    /// (`name="=?UTF-8?B?…?="`, not standard but common) are decoded too.
    static func parse(_ field: String) -> (value: String, parameters: [String: String]) {
        let pieces = splitOutsideQuotes(field)
        let value = (pieces.first.map { trimmed($0) } ?? "").lowercased()
        var plain: [String: String] = [:]
        var sections: [String: [(index: Int, isEncoded: Bool, value: String)]] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = trimmed(piece[..<equals]).lowercased()
            let rawValue = unquoted(trimmed(piece[piece.index(after: equals)...]))
            guard !name.isEmpty else { continue }
            if let star = name.firstIndex(of: "*") {
                let base = String(name[..<star])
                var rest = name[name.index(after: star)...]
                let isEncoded = rest.isEmpty || rest.hasSuffix("*")
                if rest.hasSuffix("*") { rest = rest.dropLast() }
                let index = rest.isEmpty ? 0 : Int(rest)
                if let index, !base.isEmpty {
                    sections[base, default: []].append((index, isEncoded, rawValue))
                    continue
                }
            }
            if plain[name] == nil {
                plain[name] = rawValue.contains("=?") ? EncodedWords.decode(rawValue) : rawValue
            }
        }
        for (base, parts) in sections {
            plain[base] = joinedSections(parts)
        }
        return (value, plain)
    }

    /// RFC 2231 sections in order as one value: encoded sections percent-decoded, the charset
    /// named in front of the first one (`charset'language'`) applied to the whole.
    private static func joinedSections(_ parts: [(index: Int, isEncoded: Bool, value: String)]) -> String {
        let ordered = parts.enumerated().sorted { ($0.element.index, $0.offset) < ($1.element.index, $1.offset) }.map(\.element)
        var charsetName: String?
        var bytes: [UInt8] = []
        for (position, part) in ordered.enumerated() {
            var value = Substring(part.value)
            if position == 0, part.isEncoded {
                let fields = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                if fields.count == 3 {
                    charsetName = String(fields[0])
                    value = fields[2]
                }
            }
            bytes += part.isEncoded ? percentDecoded(value) : Array(value.utf8)
        }
        return Charset(named: charsetName).decode(bytes)
    }

    /// `%XX` as the byte; a `%` not followed by two hex digits kept.
    private static func percentDecoded(_ value: Substring) -> [UInt8] {
        let bytes = Array(value.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = QuotedPrintable.hexValue(bytes[index + 1]), let low = QuotedPrintable.hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// The pieces of `field` between `;`s that are outside quoted strings.
    private static func splitOutsideQuotes(_ field: String) -> [Substring] {
        var pieces: [Substring] = []
        var start = field.startIndex
        var inQuotes = false
        var escaped = false
        for index in field.indices {
            let character = field[index]
            if escaped {
                escaped = false
            } else if inQuotes, character == "\\" {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
            } else if character == ";", !inQuotes {
                pieces.append(field[start..<index])
                start = field.index(after: index)
            }
        }
        pieces.append(field[start...])
        return pieces
    }

    /// A quoted string's content with its escapes undone (to the closing quote, or the end
    /// when there is none); any other value as it is.
    private static func unquoted(_ value: Substring) -> String {
        guard value.first == "\"" else { return String(value) }
        var result = ""
        var escaped = false
        for character in value.dropFirst() {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                break
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func trimmed(_ value: Substring) -> Substring {
        var slice = value
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
