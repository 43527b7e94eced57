/// RFC 2045 quoted-printable encoding of UTF-8 text, with CRLF line endings.
enum QuotedPrintable {
    /// The longest encoded line, not counting its CRLF (RFC 2045 §6.7 rule 5).
    static let maximumLineLength = 76

    /// Encodes `text` as quoted-printable.
    ///
    /// Every line break of the text (CRLF, LF or a lone CR) becomes a CRLF hard break. Lines longer
    /// than ``maximumLineLength`` get soft breaks (`=` CRLF), placed only between characters so the
    /// `=XX` triplets of one UTF-8 sequence always stay on one line. `=`, controls, non-ASCII bytes,
    /// a space or tab that ends a line, and a `.` that starts a line are written as `=XX`; the last
    /// keeps the body safe from transports that treat a lone `.` specially.
    static func encode(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        var isFirstLine = true
        for line in hardLines(of: Array(text.utf8)) {
            if !isFirstLine { output += [0x0D, 0x0A] }
            isFirstLine = false
            encodeLine(line, into: &output)
        }
        return output
    }

    /// The text's lines, split at CRLF, LF and lone CR; the breaks themselves are dropped.
    private static func hardLines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case 0x0D:
                lines.append(bytes[start..<index])
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
            case 0x0A:
                lines.append(bytes[start..<index])
                start = index + 1
            default:
                break
            }
            index += 1
        }
        lines.append(bytes[start..<bytes.count])
        return lines
    }

    /// Encodes one line without its break, adding soft breaks between characters as needed.
    private static func encodeLine(_ line: ArraySlice<UInt8>, into output: inout [UInt8]) {
        var column = 0
        var index = line.startIndex
        while index < line.endIndex {
            let end = min(line.endIndex, index + sequenceLength(startingWith: line[index]))
            let isLastCharacter = end == line.endIndex
            var token = encodeCharacter(line[index..<end], endsLine: isLastCharacter, startsLine: column == 0)
            // Leave room for the `=` of a soft break unless this character ends the line.
            let limit = isLastCharacter ? maximumLineLength : maximumLineLength - 1
            if column > 0, column + token.count > limit {
                output += [UInt8(ascii: "="), 0x0D, 0x0A]
                column = 0
                token = encodeCharacter(line[index..<end], endsLine: isLastCharacter, startsLine: true)
            }
            output += token
            column += token.count
            index = end
        }
    }

    /// The bytes of one UTF-8 sequence (one Unicode scalar), literal where allowed, else `=XX`.
    private static func encodeCharacter(_ bytes: ArraySlice<UInt8>, endsLine: Bool, startsLine: Bool) -> [UInt8] {
        var token: [UInt8] = []
        for byte in bytes {
            let literal: Bool =
                switch byte {
                case UInt8(ascii: "="): false
                case UInt8(ascii: "."): !startsLine
                case 0x20, 0x09: !endsLine
                case 0x21...0x7E: true
                default: false
                }
            if literal {
                token.append(byte)
            } else {
                token.append(UInt8(ascii: "="))
                Hex.appendByte(byte, to: &token)
            }
        }
        return token
    }

    /// How many bytes the UTF-8 sequence that starts with `byte` has (1 for a stray byte).
    private static func sequenceLength(startingWith byte: UInt8) -> Int {
        switch byte {
        case 0xF0...0xF7: 4
        case 0xE0...0xEF: 3
        case 0xC0...0xDF: 2
        default: 1
        }
    }
}
