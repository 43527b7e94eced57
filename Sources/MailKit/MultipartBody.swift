/// The body of a `multipart/*` part cut at its boundary (RFC 2046 §5.1.1).
enum MultipartBody {
    /// The bytes of each body part (its headers and body), in order, at most `limit` of them.
    ///
    /// A delimiter is a line of `--` and the boundary, followed by nothing but white space; a
    /// close delimiter has `--` after the boundary. The line break before a delimiter belongs
    /// to it. The preamble (before the first delimiter) and the epilogue (after the close
    /// delimiter) are dropped; without a close delimiter the last part runs to the end.
    static func parts(of body: ArraySlice<UInt8>, boundary: String, limit: Int) -> [ArraySlice<UInt8>] {
        let dashBoundary = Array("--".utf8) + Array(boundary.utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var index = body.startIndex
        while index < body.endIndex, parts.count < limit {
            let lineEnd = body[index...].firstIndex(of: 0x0A) ?? body.endIndex
            let next = lineEnd < body.endIndex ? lineEnd + 1 : lineEnd
            if let kind = delimiter(body[index..<lineEnd], dashBoundary) {
                if let start = partStart {
                    parts.append(body[start..<contentEnd(before: index, from: start, in: body)])
                }
                if kind == .close { return parts }
                partStart = next
            }
            index = next
        }
        if let start = partStart, parts.count < limit {
            parts.append(body[start...])
        }
        return parts
    }

    private enum Delimiter {
        case part
        case close
    }

    /// Whether `line` (without its LF) is a delimiter line, and which.
    private static func delimiter(_ line: ArraySlice<UInt8>, _ dashBoundary: [UInt8]) -> Delimiter? {
        guard line.count >= dashBoundary.count, line.starts(with: dashBoundary) else { return nil }
        let rest = line.dropFirst(dashBoundary.count)
        if rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) { return .close }
        return rest.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } ? .part : nil
    }

    /// Where a part that ends at the delimiter line starting at `lineStart` ends: before the
    /// CRLF or LF that precedes the delimiter.
    private static func contentEnd(before lineStart: Int, from start: Int, in body: ArraySlice<UInt8>) -> Int {
        var end = lineStart
        if end > start, body[end - 1] == 0x0A { end -= 1 }
        if end > start, body[end - 1] == 0x0D { end -= 1 }
        return end
    }
}
