/// RFC 3676 `format=flowed` text made into the lines its writer meant.
enum FormatFlowed {
    /// Joins soft-broken lines (those ending in a space) of `text` (line breaks as LF) with the
    /// line after them.
    ///
    /// Each line's quote depth (its leading `>`s) and one space-stuffing space after them are
    /// taken off first; lines of different depths are never joined, and the signature
    /// separator `-- ` is never flowed. With `deleteSpace` (`DelSp=yes`) the space that marks a
    /// soft break is removed when joining. Quoted paragraphs are written back with their depth
    /// as `>` marks and a space (`>> text`), so quotes stay visible.
    static func unflow(_ text: String, deleteSpace: Bool) -> String {
        var output: [String] = []
        var paragraph: (depth: Int, text: String)?

        func closeParagraph() {
            guard let open = paragraph else { return }
            let marks = String(repeating: ">", count: open.depth)
            output.append(open.depth == 0 ? open.text : marks + (open.text.isEmpty ? "" : " ") + open.text)
            paragraph = nil
        }

        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = rawLine
            var depth = 0
            while line.first == ">" {
                depth += 1
                line = line.dropFirst()
            }
            if line.first == " " { line = line.dropFirst() }
            let isSignatureSeparator = line == "-- "
            let isFlowed = !isSignatureSeparator && line.last == " "
            if let open = paragraph, open.depth != depth || isSignatureSeparator {
                closeParagraph()
            }
            if isFlowed, deleteSpace { line = line.dropLast() }
            if paragraph == nil {
                paragraph = (depth, String(line))
            } else {
                paragraph?.text += line
            }
            if !isFlowed { closeParagraph() }
        }
        closeParagraph()
        return output.joined(separator: "\n")
    }
}
