/// Reads a message after `354` (RFC 5321 §4.5.2): lines up to the one that is a lone `.`, with
/// the leading transparency dot of a line removed. Everything else is kept byte for byte, line
/// endings too; a bare LF ends a line as CRLF does.
///
/// Limits are enforced while reading, so a client cannot make the server hold more than
/// ``maximumSize`` octets: once the message is over that size it is dropped and the rest read and
/// discarded up to the final dot (then `.tooLarge`, answered `552 5.3.4`). A line longer than
/// 1000 octets with its line ending (RFC 5321 §4.5.3.1.6) spoils the message the same way
/// (`.lineTooLong`, answered `500 5.5.2`). A client that sends more than twice the size limit
/// without the final dot gets `.overrun`, and the connection is closed.
struct SMTPDataReader: Sendable, Equatable {
    enum Outcome: Sendable, Equatable {
        /// The final dot came; these are the message's bytes.
        case message([UInt8])
        case tooLarge
        case lineTooLong
        case overrun
    }

    static let maximumLineLength = 1000

    let maximumSize: Int
    private var message: [UInt8] = []
    /// The line read so far, as sent.
    private var line: [UInt8] = []
    private var skippingLine = false
    /// Octets of message kept or counted, after unstuffing.
    private var size = 0
    /// Octets read, as sent.
    private var received = 0
    private var tooLarge = false
    private var lineTooLong = false

    private static let lf = UInt8(ascii: "\n")
    private static let dot = UInt8(ascii: ".")

    init(maximumSize: Int) {
        self.maximumSize = maximumSize
    }

    /// The octets of the message held now.
    var keptBytes: Int { message.count }

    /// The most octets read before the final dot before giving up.
    var overrunLimit: Int { 2 * maximumSize + 2 * Self.maximumLineLength }

    /// Takes bytes; returns how many it used and, once the final dot was read, how the message ended.
    mutating func consume(_ bytes: ArraySlice<UInt8>) -> (used: Int, outcome: Outcome?) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let newline = bytes[index...].firstIndex(of: Self.lf)
            let pieceEnd = newline.map { $0 + 1 } ?? bytes.endIndex
            let piece = bytes[index..<pieceEnd]
            received += piece.count
            index = pieceEnd
            if received > overrunLimit {
                return (index - bytes.startIndex, .overrun)
            }
            if skippingLine {
                if newline != nil { skippingLine = false }
                continue
            }
            line += piece
            if line.count > Self.maximumLineLength {
                lineTooLong = true
                skippingLine = newline == nil
                line = []
                continue
            }
            guard newline != nil else { continue }
            if line == [Self.dot, 13, Self.lf] || line == [Self.dot, Self.lf] {
                return (index - bytes.startIndex, finish())
            }
            keep(line.first == Self.dot ? line.dropFirst() : line[...])
            line = []
        }
        return (bytes.count, nil)
    }

    private mutating func keep(_ content: ArraySlice<UInt8>) {
        size += content.count
        guard !tooLarge else { return }
        if size > maximumSize {
            tooLarge = true
            message = []
        } else {
            message += content
        }
    }

    private mutating func finish() -> Outcome {
        if tooLarge { return .tooLarge }
        if lineTooLong { return .lineTooLong }
        return .message(message)
    }
}
