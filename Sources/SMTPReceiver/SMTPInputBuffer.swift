/// The bytes a client sent that are not used yet, cut into command lines or handed to the DATA
/// reader, whichever the conversation needs next.
///
/// A command line ends with CRLF; a bare LF is taken too. RFC 5321 §4.5.3.1.4 limits a command
/// line to 512 octets with its CRLF: a longer one is reported once, as soon as the limit is
/// passed, and the rest of it, up to its line ending, is dropped unread.
struct SMTPInputBuffer: Sendable {
    static let maximumCommandLine = 512

    /// What ``nextCommandLine()`` found.
    enum Line: Sendable, Equatable {
        case command(String)
        case tooLong
    }

    private var bytes: [UInt8] = []
    private var skippingLongLine = false

    /// The octets waiting.
    var count: Int { bytes.count }

    mutating func append(_ more: some Sequence<UInt8>) {
        if skippingLongLine {
            // Keep only what follows the end of the over-long line.
            var iterator = more.makeIterator()
            while let byte = iterator.next() {
                if byte == UInt8(ascii: "\n") {
                    skippingLongLine = false
                    while let rest = iterator.next() { bytes.append(rest) }
                    return
                }
            }
            return
        }
        bytes.append(contentsOf: more)
    }

    /// The next command line without its line ending, `.tooLong` for a line over the limit, or
    /// `nil` until a line has arrived.
    mutating func nextCommandLine() -> Line? {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            guard bytes.count > Self.maximumCommandLine else { return nil }
            bytes = []
            skippingLongLine = true
            return .tooLong
        }
        let end = newline > 0 && bytes[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
        let line = bytes[..<end]
        bytes.removeSubrange(...newline)
        guard line.count + 2 <= Self.maximumCommandLine else { return .tooLong }
        return .command(String(decoding: line, as: UTF8.self))
    }

    /// Hands the waiting bytes to `reader`; what follows the end of the message stays here.
    mutating func feed(_ reader: inout SMTPDataReader) -> SMTPDataReader.Outcome? {
        let (used, outcome) = reader.consume(bytes[...])
        bytes.removeFirst(used)
        return outcome
    }

    /// Drops everything waiting: after STARTTLS, plain text that came with the command must not be
    /// taken as coming over TLS (RFC 3207 §5).
    mutating func discardAll() {
        bytes = []
        skippingLongLine = false
    }
}
