/// The lines of a reply's plain text, normalised, and what each one is to ``ReplyText``.
struct ReplyLines {
    /// What a line is, read where it stands.
    enum Kind: Equatable {
        /// Something the person may have written.
        case text
        case blank
        /// A mobile client's line such as `Sent from my iPhone`.
        case trailer
        /// `-- ` (or `--`): the person's signature follows.
        case signature
        /// A `>` line, or an attribution followed by `>` lines: `length` lines of quote.
        case quoted(length: Int)
        /// The first line of an original that is not marked with `>` (an Outlook header block,
        /// a separator, a forwarded message, an attribution over plain text): nothing after it
        /// is new.
        case originalStart
    }

    /// Each line without its line break and trailing whitespace.
    let lines: [Substring]

    /// Splits `text` at CRLF, CR, LF and the Unicode line separators.
    init(_ text: String) {
        lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(Self.trimmingTrailingWhitespace)
    }

    var count: Int { lines.count }

    subscript(index: Int) -> Substring { lines[index] }

    func kind(at index: Int) -> Kind {
        let line = lines[index]
        if line.isEmpty { return .blank }
        if Self.isQuoted(line) { return .quoted(length: 1) }
        if let attribution = ReplyAttribution.match(lines, at: index) {
            return isQuoted(afterBlanksFrom: index + attribution.lineCount)
                ? .quoted(length: attribution.lineCount)
                : attribution.needsQuote ? .text : .originalStart
        }
        if QuoteHeader.startsOriginal(lines, at: index) { return .originalStart }
        if ReplySignature.isSeparator(line) { return .signature }
        if ReplySignature.isTrailer(line) { return .trailer }
        return .text
    }

    /// Whether the first non-blank line at or after `index` is a `>` line.
    func isQuoted(afterBlanksFrom index: Int) -> Bool {
        guard let next = lines[index...].first(where: { !$0.isEmpty }) else { return false }
        return Self.isQuoted(next)
    }

    /// A line whose first visible character is `>`.
    static func isQuoted(_ line: Substring) -> Bool {
        line.first(where: { !$0.isWhitespace }) == ">"
    }

    private static func trimmingTrailingWhitespace(_ line: Substring) -> Substring {
        var end = line.endIndex
        while end > line.startIndex, line[line.index(before: end)].isWhitespace {
            end = line.index(before: end)
        }
        return line[..<end]
    }
}
