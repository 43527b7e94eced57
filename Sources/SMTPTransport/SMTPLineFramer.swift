/// Cuts the bytes a server sends into reply lines.
///
/// A line ends with CRLF; a bare LF is accepted too, as many clients do. RFC 5321 §4.5.3.1.5 limits
/// a reply line to 512 octets; longer lines are tolerated up to ``maximumLineLength`` and refused
/// beyond, so a hostile server cannot make the client buffer without end.
struct SMTPLineFramer: Sendable {
    static let maximumLineLength = 4096

    private var buffer: [UInt8] = []
    private var scanned = 0

    /// Whether bytes that do not yet make a line are waiting.
    var hasBufferedBytes: Bool { !buffer.isEmpty }

    mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line, without its line ending; `nil` until one has arrived.
    mutating func nextLine() throws(SMTPError) -> String? {
        guard let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = buffer.count
            if buffer.count > Self.maximumLineLength {
                throw tooLong()
            }
            return nil
        }
        var end = newline
        if end > 0, buffer[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        guard end <= Self.maximumLineLength else {
            throw tooLong()
        }
        let line = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeSubrange(...newline)
        scanned = 0
        return line
    }

    private func tooLong() -> SMTPError {
        SMTPError(
            .protocolViolation,
            "the SMTP server sent a line longer than \(Self.maximumLineLength) octets; it does not follow RFC 5321",
            isTransient: true
        )
    }
}
