/// Makes carrier text safe to place in a part of the email: no carrier byte may start a line of
/// its own where the template did not put one (a forged "From:" line in the text part, a CRLF in
/// a link).
public enum Neutralise {
    /// For values shown on one line (numbers, ids, URLs, file names, types): a tab or a run of
    /// line breaks becomes one space, every other control character U+FFFD.
    public static func singleLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isBreaking($0) || $0 == "\t" }) else { return text }
        var result = String.UnicodeScalarView()
        var afterBreak = false
        for scalar in text.unicodeScalars {
            if isLineBreak(scalar) || scalar == "\t" {
                if !afterBreak { result.append(" ") }
                afterBreak = isLineBreak(scalar)
            } else {
                result.append(isBreaking(scalar) ? "\u{FFFD}" : scalar)
                afterBreak = false
            }
        }
        return String(result)
    }

    /// For the message text: its own line breaks (CR, LF, CRLF) and tabs stay; other control
    /// characters (form feed, vertical tab, NEL, escape…) and U+2028/U+2029 become U+FFFD.
    public static func body(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isBreaking($0) && $0 != "\r" && $0 != "\n" }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar == "\r" || scalar == "\n" || !isBreaking(scalar) ? scalar : "\u{FFFD}"
        }))
    }

    private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        ["\r", "\n", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar)
    }

    /// Control characters other than tab, and the Unicode line and paragraph separators: the set
    /// the header writer neutralises too (``HeaderText/isControl(_:)``).
    private static func isBreaking(_ scalar: Unicode.Scalar) -> Bool {
        scalar != "\t" && HeaderText.isControl(scalar)
    }
}
