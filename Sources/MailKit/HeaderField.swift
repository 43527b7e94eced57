/// Writes one header field, folding it (RFC 5322 §2.2.3) so that lines stay within
/// ``preferredLineLength`` characters wherever a fold point exists.
///
/// The field is built from words, each written after a single space; a fold puts CRLF in front
/// of that space. Callers hand in words that are already free of control characters.
struct HeaderField {
    /// RFC 5322 §2.1.1: lines SHOULD be no longer than 78 characters, not counting CRLF.
    static let preferredLineLength = 78
    /// RFC 2047 §2: an encoded word is at most 75 characters long.
    static let maximumEncodedWordLength = 75

    private var text: [UInt8]
    private var column: Int
    /// Whether the current line holds a word; a fold is never placed before the first one,
    /// so no line is left holding only the field name or only white space.
    private var lineHasWord = false

    init(name: String) {
        text = Array(name.utf8) + [UInt8(ascii: ":")]
        column = text.count
    }

    /// The field's bytes, ending with CRLF.
    var bytes: [UInt8] { text + [0x0D, 0x0A] }

    /// Appends a space and `word`, folding first if the word would pass the preferred length.
    /// An empty word adds only the space (and never folds).
    mutating func append(word: String) {
        let count = word.utf8.count
        if count > 0, lineHasWord, column + 1 + count > Self.preferredLineLength {
            fold()
        }
        text.append(UInt8(ascii: " "))
        text += word.utf8
        column += 1 + count
        if count > 0 { lineHasWord = true }
    }

    /// Appends unstructured text (a subject): as plain words when it is printable ASCII that
    /// folding can keep within limits, otherwise as RFC 2047 encoded words.
    mutating func append(unstructured value: String) {
        if Self.canWritePlain(value) {
            for word in value.split(separator: " ", omittingEmptySubsequences: false) {
                append(word: String(word))
            }
        } else {
            append(encodedWordsFor: value)
        }
    }

    /// Appends `value` as RFC 2047 `B` encoded words in UTF-8, each filling the room left on its
    /// line (at most 75 characters) and each holding whole characters, so no word splits a
    /// UTF-8 sequence. Decoders join adjacent encoded words without the folding white space.
    mutating func append(encodedWordsFor value: String) {
        let pieces = Self.pieces(of: value)
        var index = 0
        while index < pieces.count {
            var capacity = Self.bytesFitting(wordLength: roomForNextWord)
            if pieces[index].count > capacity, lineHasWord {
                fold()
                capacity = Self.bytesFitting(wordLength: roomForNextWord)
            }
            var chunk: [UInt8] = []
            while index < pieces.count, chunk.count + pieces[index].count <= capacity {
                chunk += pieces[index]
                index += 1
            }
            if chunk.isEmpty {  // cannot happen with the piece sizes used; guarantees progress
                chunk = pieces[index]
                index += 1
            }
            append(word: "=?UTF-8?B?" + String(decoding: Base64.encode(chunk), as: UTF8.self) + "?=")
        }
    }

    private mutating func fold() {
        text += [0x0D, 0x0A]
        column = 0
        lineHasWord = false
    }

    /// How long the next word may be to keep this line within the preferred length.
    private var roomForNextWord: Int {
        min(Self.maximumEncodedWordLength, Self.preferredLineLength - column - 1)
    }

    /// The most UTF-8 bytes an encoded word of `wordLength` characters can carry.
    private static func bytesFitting(wordLength: Int) -> Int {
        let base64Length = wordLength - "=?UTF-8?B??=".utf8.count
        return max(0, base64Length / 4 * 3)
    }

    /// The UTF-8 bytes of each character of `value`; a character too long to share a word
    /// (a long run of combining marks) is split into its scalars instead.
    private static func pieces(of value: String) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        for character in value {
            let bytes = Array(character.utf8)
            if bytes.count <= 30 {
                pieces.append(bytes)
            } else {
                pieces += character.unicodeScalars.map { Array(String($0).utf8) }
            }
        }
        return pieces
    }

    /// Printable ASCII, nothing a decoder could take for an encoded word, and no word so long
    /// that folding could not keep its line within the preferred length.
    static func canWritePlain(_ value: String) -> Bool {
        value.utf8.allSatisfy { (0x20...0x7E).contains($0) }
            && !value.contains("=?")
            && value.split(separator: " ").allSatisfy { $0.utf8.count <= preferredLineLength - 1 }
    }
}
