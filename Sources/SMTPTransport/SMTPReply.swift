/// One reply of an SMTP server (RFC 5321 §4.2): a three-digit code and one or more lines of text.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    /// The three-digit reply code, 200…599.
    public let code: Int
    /// The text of each line, without the code and the `-` or space after it.
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines.isEmpty ? [""] : lines
    }

    /// `2yz`: the command was done.
    public var isPositiveCompletion: Bool { code / 100 == 2 }
    /// `3yz`: go on (`354` after DATA, `334` during AUTH).
    public var isPositiveIntermediate: Bool { code / 100 == 3 }
    /// `4yz`: refused for now; trying again later may work.
    public var isTransientFailure: Bool { code / 100 == 4 }
    /// `5yz`: refused; trying again will not help.
    public var isPermanentFailure: Bool { code / 100 == 5 }

    /// The reply on one line, as quoted in errors and logs: `535 5.7.8 Authentication credentials invalid`.
    ///
    /// The lines of a multi-line reply are joined with ` / `; control characters become spaces,
    /// and very long replies are cut, so a hostile server cannot flood a log line.
    public var summary: String {
        let text = lines.filter { !$0.isEmpty }.joined(separator: " / ")
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control ? " " : $0
        }))
        let limit = 400
        let cut = clean.count > limit ? String(clean.prefix(limit)) + "…" : clean
        return cut.isEmpty ? String(code) : "\(code) \(cut)"
    }

    public var description: String { summary }
}

/// Gathers the lines of a reply (`250-first`, `250-second`, `250 last`) into an ``SMTPReply``.
///
/// A pure value: feed it lines with ``feed(_:)``; it returns a reply when the last line of one
/// arrived, `nil` while a multi-line reply goes on, and throws on anything that is not a reply line.
public struct SMTPReplyParser: Sendable {
    /// More lines than this in one reply is taken as a misbehaving server.
    public static let maximumLines = 256

    private var code: Int?
    private var lines: [String] = []

    public init() {}

    /// True between the first and the last line of a multi-line reply.
    public var isInsideReply: Bool { code != nil }

    /// Takes one line (without its CRLF).
    public mutating func feed(_ line: String) throws(SMTPError) -> SMTPReply? {
        let utf8 = Array(line.utf8)
        guard utf8.count >= 3,
              let first = digit(utf8[0]), let second = digit(utf8[1]), let third = digit(utf8[2]),
              (2...5).contains(first), second <= 5
        else {
            throw malformed(line)
        }
        let lineCode = first * 100 + second * 10 + third
        let separator: UInt8? = utf8.count > 3 ? utf8[3] : nil
        guard separator == nil || separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw malformed(line)
        }
        if let code, code != lineCode {
            throw SMTPError(
                .protocolViolation,
                "the SMTP server sent a multi-line reply whose lines have different codes (\(code) then \(lineCode)); it does not follow RFC 5321",
                isTransient: true
            )
        }
        code = lineCode
        lines.append(utf8.count > 4 ? String(decoding: utf8[4...], as: UTF8.self) : "")
        if separator == UInt8(ascii: "-") {
            guard lines.count < Self.maximumLines else {
                throw SMTPError(
                    .protocolViolation,
                    "the SMTP server sent a reply of more than \(Self.maximumLines) lines; it does not follow RFC 5321",
                    isTransient: true
                )
            }
            return nil
        }
        let reply = SMTPReply(code: lineCode, lines: lines)
        code = nil
        lines = []
        return reply
    }

    private func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private func malformed(_ line: String) -> SMTPError {
        let printable = String(String.UnicodeScalarView(line.prefix(80).unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
        return SMTPError(
            .protocolViolation,
            "the server sent \"\(printable)\", which is not an SMTP reply; check that the SMTP URL setting names an SMTP server and the right port",
            isTransient: true
        )
    }
}
