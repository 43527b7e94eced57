/// The text a person newly wrote in a reply email, without what their mail client added to it:
/// the quoted original, the line introducing it, their signature and "Sent from my iPhone".
///
/// The input is the reply's plain text, as a MIME parser gives it: the `text/plain` part with
/// `format=flowed` undone, or the HTML part made text with each `<blockquote>` line as a `> ` line.
///
/// The rules, in the order a reply is read:
///
/// - **Top-posted** (new text above the original, what most clients write): the text ends at the
///   first line that starts the original, and nothing after that line is kept. The original
///   starts at an attribution (`On 25 Nov 2026, at 06:30, Ann <ann@example.com> wrote:`, also
///   wrapped over two lines, in English, German, French, Spanish, Italian, Dutch, Portuguese or
///   Swedish), an Outlook separator (`-----Original Message-----` and its translations), an
///   Outlook header block (`From:` then `Sent:`/`Date:` and `To:`/`Subject:`, translated too,
///   with the rule above it), a forwarded-message marker, or a `>`-quoted line.
/// - **Bottom-posted or interleaved** (nothing new above the original): the `>` lines and their
///   attributions are dropped and the person's unquoted lines between and after them are kept.
///   An original quoted without `>` (Outlook) has nothing after it that could be told apart
///   from it, so nothing after it is kept.
/// - **Signatures**: a `-- ` line (or `--`, as it reads once trailing spaces are gone) ends the
///   new text up to the next quoted line. A mobile trailer standing alone on its line
///   (`Sent from my iPhone`, `Get Outlook for iOS`, `Von meinem iPhone gesendet`, …) is dropped;
///   anything the person wrote after it stays.
/// - **Forwards**: text above `Begin forwarded message:` or `---------- Forwarded message ---------`
///   is kept as the new text and the forwarded message is not. Whether a forward may be taken for
///   a reply at all is the caller's decision (by its `In-Reply-To`, say); this type only makes
///   sure the forwarded text is never part of the result.
///
/// Everything kept is kept as written — emoji, any script, URLs and the line breaks inside the
/// new text — except that line endings become `\n`, trailing whitespace on each line goes, runs
/// of blank lines become one blank line and the result is trimmed.
public enum ReplyText {
    /// The new text of the reply whose plain text is `text`; `""` if the person wrote nothing new.
    public static func extract(_ text: String) -> String {
        let lines = ReplyLines(text)
        var kept: [Substring] = []
        var inSignature = false
        var belowQuote = false
        var index = 0
        read: while index < lines.count {
            switch lines.kind(at: index) {
            case .text:
                if !inSignature { kept.append(lines[index]) }
                index += 1
            case .blank:
                kept.append("")
                index += 1
            case .trailer:
                index += 1
            case .signature:
                inSignature = true
                index += 1
            case .quoted(let length):
                // New text above the first quote: a top-posted reply, and the quote is the original.
                // Nothing new above it: the answers are below the quotes, between them or both.
                if !belowQuote, hasText(kept) { break read }
                belowQuote = true
                inSignature = false
                index += length
            case .originalStart:
                break read
            }
        }
        return tidy(kept)
    }

    private static func hasText(_ lines: [Substring]) -> Bool {
        lines.contains { !$0.isEmpty }
    }

    /// The kept lines joined, blank runs made one blank line, whitespace at either end removed.
    private static func tidy(_ lines: [Substring]) -> String {
        var result: [Substring] = []
        for line in lines where !(line.isEmpty && (result.last?.isEmpty ?? true)) {
            result.append(line)
        }
        while result.last?.isEmpty == true { result.removeLast() }
        return String(result.joined(separator: "\n").drop(while: \.isWhitespace))
    }
}
