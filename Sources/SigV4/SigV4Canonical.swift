/// The pieces of a canonical request: each part of the HTTP request rewritten in the one
/// form both sides agree on.
enum SigV4Canonical {
    /// The canonical URI of `path`.
    ///
    /// With `normalizing`, dot segments are resolved and empty segments dropped (`//a/./b/../` → `/a/`),
    /// as every service but S3 expects. With `.double` encoding the path is encoded as it is
    /// sent, so an existing escape is encoded again (`%20` → `%2520`); with `.single` (S3) each
    /// segment is decoded and encoded once, so `%20` and a raw space both become `%20`.
    static func uri(_ path: String, encoding: SigV4Signer.Options.URIEncoding, normalizing: Bool) -> String {
        var path = path.isEmpty ? "/" : path
        if normalizing {
            path = removingDotSegments(path)
        }
        switch encoding {
        case .double:
            return URIEncoding.encode(path, keepingSlash: true)
        case .single:
            return path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
                .map { URIEncoding.encode(URIEncoding.decode($0)) }
                .joined(separator: "/")
        }
    }

    /// RFC 3986 dot-segment removal, with empty segments dropped too. The result starts with
    /// `/`, and ends with one when the input's last segment was empty, `.` or `..`.
    static func removingDotSegments(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        for segment in segments {
            switch segment {
            case "", ".":
                continue
            case "..":
                _ = kept.popLast()
            default:
                kept.append(segment)
            }
        }
        guard !kept.isEmpty else { return "/" }
        let endsInDirectory = ["", ".", ".."].contains(segments.last ?? "")
        return "/" + kept.joined(separator: "/") + (endsInDirectory ? "/" : "")
    }

    /// The canonical query string: every parameter decoded, then encoded strictly, sorted by
    /// name and then by value, joined by `&`. A parameter without `=` has an empty value.
    static func query(_ query: String) -> String {
        let parameters: [(name: String, value: String)] = query.utf8
            .split(separator: UInt8(ascii: "&"))
            .map { pair in
                let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
                let name = URIEncoding.encode(URIEncoding.decode(parts[0]))
                let value = parts.count > 1 ? URIEncoding.encode(URIEncoding.decode(parts[1])) : ""
                return (name, value)
            }
        return parameters
            .sorted { lhs, rhs in
                if lhs.name != rhs.name { return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8) }
                return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
            }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    /// The canonical headers block (one `name:value\n` line per name) and the signed-headers list.
    ///
    /// Names are lower-cased and sorted; each value is trimmed and its runs of whitespace (a
    /// folded line included) become one space; the values of a repeated name are joined with
    /// commas in the order they were given.
    static func headers(_ fields: [(name: String, value: String)]) -> (block: String, signedHeaders: String) {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for field in fields {
            let name = lowercased(field.name)
            if values[name] == nil { order.append(name) }
            values[name, default: []].append(value(field.value))
        }
        let names = order.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let block = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    /// A header value trimmed, with every run of spaces, tabs and line breaks made one space.
    static func value(_ raw: String) -> String {
        var output: [UInt8] = []
        var pendingSpace = false
        for byte in raw.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                pendingSpace = !output.isEmpty
            } else {
                if pendingSpace { output.append(UInt8(ascii: " ")) }
                pendingSpace = false
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// ASCII lower-casing, which is all an HTTP field name needs (and unlike `lowercased()`,
    /// does not depend on Unicode tables).
    static func lowercased(_ name: String) -> String {
        String(decoding: name.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
