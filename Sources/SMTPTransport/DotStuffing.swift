/// The message as it travels after DATA (RFC 5321 §4.5.2): CRLF line endings, a `.` doubled at the
/// start of every line that begins with one, and the `CRLF.CRLF` terminator.
struct DotStuffing: Sendable, Equatable {
    /// The bytes to write after the `354` reply, terminator included.
    let bytes: [UInt8]
    /// The longest line of the message, in octets, without its CRLF and without the added dots.
    let longestLine: Int
    /// Whether any byte is outside 7-bit ASCII (the server must then offer 8BITMIME).
    let containsEightBitData: Bool
    /// The size of the message with CRLF line endings, before dot-stuffing: the `SIZE=` of MAIL FROM.
    let messageSize: Int

    /// RFC 5321 §4.5.3.1.6: 1000 octets with the CRLF, not counting the dot added for transparency.
    static let maximumLineLength = 998

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let dot = UInt8(ascii: ".")

    /// Encodes `message`. A bare LF, a bare CR and CRLF all end a line; a missing final line
    /// ending is added.
    init(_ message: some Collection<UInt8>) {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 64 + 8)
        var atLineStart = true
        var lineLength = 0
        var longest = 0
        var eightBit = false
        var size = 0
        var previousWasCR = false

        func endLine() {
            out.append(Self.cr)
            out.append(Self.lf)
            size += 2
            longest = max(longest, lineLength)
            lineLength = 0
            atLineStart = true
        }

        for byte in message {
            if byte == Self.lf {
                if previousWasCR {
                    previousWasCR = false  // the CR already ended the line
                } else {
                    endLine()
                }
                continue
            }
            previousWasCR = false
            if byte == Self.cr {
                endLine()
                previousWasCR = true
                continue
            }
            if atLineStart, byte == Self.dot {
                out.append(Self.dot)
            }
            atLineStart = false
            if byte >= 0x80 {
                eightBit = true
            }
            out.append(byte)
            lineLength += 1
            size += 1
        }
        if !atLineStart {
            endLine()
        }
        out += [Self.dot, Self.cr, Self.lf]
        bytes = out
        longestLine = longest
        containsEightBitData = eightBit
        messageSize = size
    }
}
