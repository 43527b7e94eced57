import Foundation

/// What must hold of every email the relay writes, checked on its bytes.
enum EmailInvariants {
    static let expectedHeaders = ["Content-Type", "Date", "From", "In-Reply-To", "MIME-Version", "Message-ID", "References", "Subject", "To"]

    /// The problems found with `bytes` as an email whose text part must hold `text`; empty when none.
    static func problems(in bytes: [UInt8], text: String) -> [String] {
        var problems: [String] = []
        guard let split = range(of: [13, 10, 13, 10], in: bytes) else {
            return ["no blank line ends the header section"]
        }
        let header = Array(bytes[..<(split.lowerBound + 2)])  // with the CRLF that ends the last field
        let body = Array(bytes[split.upperBound...])

        // Every line ends in CRLF; a line is a field or the folded continuation of one.
        let lines = header.split(separator: 10, omittingEmptySubsequences: false).dropLast()
        var names: [String] = []
        for line in lines {
            guard line.last == 13 else {
                problems.append("a bare LF in the header section")
                continue
            }
            let content = line.dropLast()
            if content.contains(13) { problems.append("a bare CR in a header") }
            if content.contains(where: { $0 < 0x20 && $0 != 9 }) { problems.append("a control character in a header") }
            if content.contains(where: { $0 >= 0x80 }) { problems.append("an 8-bit byte in a header") }
            if let first = content.first, first == 32 || first == 9 { continue }
            guard let colon = content.firstIndex(of: UInt8(ascii: ":")) else {
                problems.append("a header line that is neither a field nor a continuation: \(String(decoding: content, as: UTF8.self))")
                continue
            }
            names.append(String(decoding: content[content.startIndex..<colon], as: UTF8.self))
        }
        if names.sorted() != expectedHeaders {
            problems.append("header fields are \(names.sorted()), not \(expectedHeaders)")
        }

        // The text part, decoded, holds the message text.
        guard let decoded = textPart(of: body) else {
            return problems + ["no quoted-printable text/plain part"]
        }
        let expected = normalise(text)
        if !expected.isEmpty, !normalise(decoded).contains(expected) {
            problems.append("the text part does not hold the message text")
        }
        return problems
    }

    /// Line breaks as LF, for comparing text that went through CRLF normalisation.
    static func normalise(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    private static func textPart(of body: [UInt8]) -> String? {
        let marker = Array("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
        guard let start = range(of: marker, in: body)?.upperBound,
              let end = range(of: Array("\r\n--".utf8), in: Array(body[start...]))
        else { return nil }
        return String(decoding: decodeQuotedPrintable(Array(body[start..<(start + end.lowerBound)])), as: UTF8.self)
    }

    static func decodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "="), index + 1 < bytes.count {
                if bytes[index + 1] == 13, index + 2 < bytes.count, bytes[index + 2] == 10 {
                    index += 3  // soft line break
                    continue
                }
                if index + 2 < bytes.count, let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                    output.append(value)
                    index += 3
                    continue
                }
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    static func range(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        var start = 0
        outer: while start + needle.count <= haystack.count {
            for offset in 0..<needle.count where haystack[start + offset] != needle[offset] {
                start += 1
                continue outer
            }
            return start..<(start + needle.count)
        }
        return nil
    }
}
