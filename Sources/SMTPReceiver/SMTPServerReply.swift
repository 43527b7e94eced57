/// A reply the receiver sends (RFC 5321 §4.2): a code, its enhanced status code (RFC 2034, RFC 3463)
/// and one or more lines of text.
///
/// The greeting, the EHLO and HELO replies and `354` carry no enhanced code, as RFC 2034 §3 says;
/// every other reply does.
struct SMTPServerReply: Sendable, Equatable, CustomStringConvertible {
    let code: Int
    let enhanced: String?
    let lines: [String]

    init(_ code: Int, _ enhanced: String?, _ lines: [String]) {
        self.code = code
        self.enhanced = enhanced
        self.lines = lines.isEmpty ? [""] : lines
    }

    init(_ code: Int, _ enhanced: String?, _ text: String) {
        self.init(code, enhanced, [text])
    }

    /// The reply as written: `250-first`, …, `250 last`, each line ending with CRLF.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        for (index, line) in lines.enumerated() {
            let separator = index == lines.count - 1 ? " " : "-"
            let status = enhanced.map { "\($0) " } ?? ""
            out += Array("\(code)\(separator)\(status)\(line)\r\n".utf8)
        }
        return out
    }

    /// Whether the client made a mistake that counts towards the bad-command delay and limit.
    var isBadCommand: Bool {
        [500, 501, 503].contains(code)
    }

    /// Whether the connection is closed after this reply.
    var closes: Bool {
        code == 421 || code == 221
    }

    var description: String {
        ([String(code)] + (enhanced.map { [$0] } ?? []) + [lines.joined(separator: " / ")]).joined(separator: " ")
    }
}

extension SMTPServerReply {
    /// A delegate's refusal made safe to send: a 4xx or 5xx code (a bug elsewhere becomes `451`),
    /// an enhanced code of the same class, and one line of printable text.
    init(refusal code: Int, enhanced: String, text: String) {
        guard (400...599).contains(code) else {
            self.init(451, "4.3.0", "Temporary local problem, try again later")
            return
        }
        let parts = enhanced.split(separator: ".", omittingEmptySubsequences: false)
        let wellFormed = parts.count == 3
            && parts[0] == Substring(String(code / 100))
            && parts.dropFirst().allSatisfy { (1...3).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control ? " " : $0
        }))
        let cut = printable.utf8.count > 400 ? String(printable.prefix(400)) : printable
        self.init(code, wellFormed ? enhanced : "\(code / 100).0.0", cut.isEmpty ? "Refused" : cut)
    }

    init(_ verdict: SMTPVerdict, accepted: SMTPServerReply) {
        switch verdict {
        case .accept: self = accepted
        case .refuse(let code, let enhanced, let text): self.init(refusal: code, enhanced: enhanced, text: text)
        }
    }
}
