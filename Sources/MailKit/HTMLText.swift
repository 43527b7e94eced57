/// Plain text from an HTML body, for emails that carry no `text/plain` part.
///
/// A small tag scanner, not an HTML parser: `<head>`, `<style>`, `<script>` and `<title>` are
/// dropped with their content, comments too; `<br>` breaks the line; block elements (`<p>`,
/// `<div>`, `<li>`, `<tr>`, headings, …) start and end lines; each line inside `<blockquote>`
/// starts with `>` per level (at most ``maximumQuoteMarks``) and a space, so a quoted original
/// can be recognised later; table cells are separated by a space. Character references are decoded, runs of white space
/// (`&nbsp;` included) become one space, lines are trimmed, runs of empty lines become one and
/// the text is trimmed. Time is linear in the input's length.
enum HTMLText {
    static func plainText(from html: String) -> String {
        var scanner = Scanner(scalars: Array(html.unicodeScalars))
        scanner.run()
        return scanner.lines.text
    }

    /// The most `>` marks a line gets, however deep its blockquotes are nested.
    static let maximumQuoteMarks = 32

    private static let blockElements: Set<String> = [
        "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd",
        "table", "blockquote", "pre", "hr", "section", "article", "header", "footer", "center",
        "address", "form", "fieldset", "figure", "main", "nav", "aside",
    ]

    /// Elements whose content is not text to show.
    private static let hiddenElements: Set<String> = ["head", "style", "script", "title", "template"]

    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var index = 0
        var quoteDepth = 0
        var lines = Lines()
        /// Hidden elements found once without a closing tag; not searched for again.
        var unclosed: Set<String> = []

        init(scalars: [Unicode.Scalar]) {
            self.scalars = scalars
        }

        mutating func run() {
            while index < scalars.count {
                let scalar = scalars[index]
                if scalar == "<" {
                    scanMarkup()
                } else if scalar == "&", let reference = HTMLEntities.reference(in: scalars, at: index) {
                    for character in reference.text.unicodeScalars { lines.append(character, depth: quoteDepth) }
                    index = reference.end
                } else {
                    lines.append(scalar, depth: quoteDepth)
                    index += 1
                }
            }
        }

        /// At a `<`: a comment, a declaration, a tag, or a literal `<`.
        private mutating func scanMarkup() {
            if starts(with: "<!--", at: index) {
                index = find("-->", from: index + 4).map { $0 + 3 } ?? scalars.count
                return
            }
            let next = index + 1 < scalars.count ? scalars[index + 1] : " "
            guard isLetter(next) || next == "/" || next == "!" || next == "?" else {
                lines.append("<", depth: quoteDepth)
                index += 1
                return
            }
            var cursor = index + 1
            let isClosing = scalars[cursor] == "/"
            if isClosing { cursor += 1 }
            var name = ""
            while cursor < scalars.count, isLetter(scalars[cursor]) || ("0"..."9").contains(scalars[cursor]) {
                name.unicodeScalars.append(scalars[cursor])
                cursor += 1
            }
            name = name.lowercased()
            guard let close = find(">", from: cursor) else {
                index = scalars.count  // an unterminated tag: nothing after it is text
                return
            }
            index = close + 1
            handle(tag: name, isClosing: isClosing)
        }

        private mutating func handle(tag name: String, isClosing: Bool) {
            if !isClosing, hiddenElements.contains(name) {
                skipContent(of: name)
                return
            }
            if name == "br" {
                lines.breakLine(depth: quoteDepth)
            } else if blockElements.contains(name) {
                lines.endLine(depth: quoteDepth)
                if name == "blockquote" { quoteDepth = isClosing ? max(0, quoteDepth - 1) : quoteDepth + 1 }
            } else if isClosing, name == "td" || name == "th" {
                lines.space()
            }
        }

        /// Skips past the closing tag of a hidden element. Without one, `<head>` is ignored
        /// (mail often leaves it open) and the others hide the rest of the document.
        private mutating func skipContent(of name: String) {
            guard !unclosed.contains(name), let closing = findClosingTag(name) else {
                unclosed.insert(name)
                if name != "head" { index = scalars.count }
                return
            }
            index = find(">", from: closing).map { $0 + 1 } ?? scalars.count
        }

        /// The index of the next `</name` (any case) from the current index.
        private func findClosingTag(_ name: String) -> Int? {
            let pattern = Array(("</" + name).unicodeScalars)
            var cursor = index
            while cursor + pattern.count <= scalars.count {
                var matches = true
                for offset in 0..<pattern.count where lowercased(scalars[cursor + offset]) != pattern[offset] {
                    matches = false
                    break
                }
                if matches { return cursor }
                cursor += 1
            }
            return nil
        }

        private func find(_ text: String, from start: Int) -> Int? {
            let pattern = Array(text.unicodeScalars)
            var cursor = start
            while cursor + pattern.count <= scalars.count {
                if starts(with: pattern, at: cursor) { return cursor }
                cursor += 1
            }
            return nil
        }

        private func starts(with text: String, at start: Int) -> Bool {
            starts(with: Array(text.unicodeScalars), at: start)
        }

        private func starts(with pattern: [Unicode.Scalar], at start: Int) -> Bool {
            guard start + pattern.count <= scalars.count else { return false }
            for offset in 0..<pattern.count where scalars[start + offset] != pattern[offset] { return false }
            return true
        }

        private func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        }

        private func lowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
            ("A"..."Z").contains(scalar) ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar
        }
    }

    /// The text being built, line by line, each line with the quote depth it started at.
    private struct Lines {
        private var done: [(depth: Int, text: String)] = []
        private var current = ""
        private var currentDepth = 0
        private var pendingSpace = false

        /// Appends a character; white space only marks a space before the next character.
        mutating func append(_ scalar: Unicode.Scalar, depth: Int) {
            switch scalar {
            case " ", "\t", "\n", "\r", "\u{0C}", "\u{A0}", "\u{2007}", "\u{202F}":
                pendingSpace = true
                return
            case "\u{200B}", "\u{200C}", "\u{200D}", "\u{FEFF}", "\u{AD}":
                return
            default:
                break
            }
            if current.isEmpty {
                currentDepth = depth
            } else if pendingSpace {
                current.append(" ")
            }
            pendingSpace = false
            current.unicodeScalars.append(scalar)
        }

        mutating func space() {
            pendingSpace = true
        }

        /// Ends the current line, even an empty one (`<br>`).
        mutating func breakLine(depth: Int) {
            done.append((current.isEmpty ? depth : currentDepth, current))
            current = ""
            pendingSpace = false
        }

        /// Ends the current line if it holds text (a block boundary).
        mutating func endLine(depth: Int) {
            if !current.isEmpty { breakLine(depth: depth) }
            pendingSpace = false
        }

        /// The lines joined: quote marks added, at most one empty line in a row, none at
        /// either end.
        var text: String {
            var all = done
            if !current.isEmpty { all.append((currentDepth, current)) }
            var output: [String] = []
            var previousWasEmpty = true
            for line in all {
                let isEmpty = line.text.isEmpty
                if isEmpty, previousWasEmpty { continue }
                previousWasEmpty = isEmpty
                let marks = String(repeating: ">", count: min(line.depth, HTMLText.maximumQuoteMarks))
                output.append(line.depth == 0 ? line.text : marks + (isEmpty ? "" : " ") + line.text)
            }
            while let last = output.last, last.allSatisfy({ $0 == ">" }) { output.removeLast() }
            return output.joined(separator: "\n")
        }
    }
}
