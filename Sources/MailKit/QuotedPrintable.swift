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
            if !isFirstLine {
                output.append(0x0D)
                output.append(0x0A)
            }
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
    /// Each character is measured, then written straight into `output`: no buffer per character.
    private static func encodeLine(_ line: ArraySlice<UInt8>, into output: inout [UInt8]) {
        var column = 0
        var index = line.startIndex
        while index < line.endIndex {
            let end = min(line.endIndex, index + sequenceLength(startingWith: line[index]))
            let character = line[index..<end]
            let isLastCharacter = end == line.endIndex
            var startsLine = column == 0
            var width = encodedWidth(of: character, endsLine: isLastCharacter, startsLine: startsLine)
            // Leave room for the `=` of a soft break unless this character ends the line.
            let limit = isLastCharacter ? maximumLineLength : maximumLineLength - 1
            if column > 0, column + width > limit {
                output.append(UInt8(ascii: "="))
                output.append(0x0D)
                output.append(0x0A)
                column = 0
                startsLine = true
                width = encodedWidth(of: character, endsLine: isLastCharacter, startsLine: true)
            }
            appendCharacter(character, endsLine: isLastCharacter, startsLine: startsLine, to: &output)
            column += width
            index = end
        }
    }

    /// Whether `byte` is written as itself where it stands, rather than as `=XX`.
    private static func isLiteral(_ byte: UInt8, endsLine: Bool, startsLine: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "="): false
        case UInt8(ascii: "."): !startsLine
        case 0x20, 0x09: !endsLine
        case 0x21...0x7E: true
        default: false
        }
    }

    /// How many bytes ``appendCharacter(_:endsLine:startsLine:to:)`` writes for these.
    private static func encodedWidth(of bytes: ArraySlice<UInt8>, endsLine: Bool, startsLine: Bool) -> Int {
        var width = 0
        for byte in bytes {
            width += isLiteral(byte, endsLine: endsLine, startsLine: startsLine) ? 1 : 3
        }
        return width
    }

    /// The bytes of one UTF-8 sequence (one Unicode scalar), literal where allowed, else `=XX`.
    private static func appendCharacter(_ bytes: ArraySlice<UInt8>, endsLine: Bool, startsLine: Bool, to output: inout [UInt8]) {
        for byte in bytes {
            if isLiteral(byte, endsLine: endsLine, startsLine: startsLine) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "="))
                Hex.appendByte(byte, to: &output)
            }
        }
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
