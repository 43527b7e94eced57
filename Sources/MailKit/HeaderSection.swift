/// A header section split from the body that follows it, lines ending in CRLF or bare LF.
struct HeaderSection {
    var fields: [ReceivedHeader] = []
    var body: ArraySlice<UInt8>

    /// Splits `bytes` at the first empty line and unfolds the fields before it.
    ///
    /// Lines that are not fields (no colon, or a name with spaces or controls, such as an mbox
    /// `From ` line) are skipped with their continuation lines. Without an empty line the
    /// whole input is the header section. For a MIME part (`isPart`) whose first line is
    /// neither a field nor empty, there is no header section: everything is body.
    init(splitting bytes: ArraySlice<UInt8>, isPart: Bool) {
        body = bytes[bytes.endIndex...]
        var current: (name: String, value: [UInt8])?
        var index = bytes.startIndex
        var isFirstLine = true

        func finish() {
            if let field = current {
                fields.append(ReceivedHeader(name: field.name, value: Self.text(trimming: field.value)))
            }
            current = nil
        }

        while index < bytes.endIndex {
            let lineEnd = bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex
            let next = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
            var contentEnd = lineEnd
            if contentEnd > index, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = bytes[index..<contentEnd]
            defer { isFirstLine = false }

            if line.isEmpty {
                finish()
                body = bytes[next...]
                return
            }
            if line.first == 0x20 || line.first == 0x09 {
                if isPart, isFirstLine {
                    body = bytes
                    return
                }
                current?.value += line
            } else if let (name, valueStart) = Self.fieldStart(line) {
                finish()
                current = (name, Array(line[valueStart...]))
            } else {
                if isPart, isFirstLine {
                    body = bytes
                    return
                }
                finish()
            }
            index = next
        }
        finish()
    }

    /// The field name and where the value starts, when `line` begins a field: a name of
    /// printable ASCII (white space before the colon tolerated), then `:`.
    private static func fieldStart(_ line: ArraySlice<UInt8>) -> (String, Int)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        var nameEnd = colon
        while nameEnd > line.startIndex, line[nameEnd - 1] == 0x20 || line[nameEnd - 1] == 0x09 { nameEnd -= 1 }
        let name = line[line.startIndex..<nameEnd]
        guard !name.isEmpty, name.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        return (String(decoding: name, as: UTF8.self), colon + 1)
    }

    /// The value without surrounding white space, as UTF-8 when valid, else Windows-1252.
    private static func text(trimming value: [UInt8]) -> String {
        var slice = value[...]
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return Charset.guess.decode(slice)
    }
}
