/// A small recursive-descent reader for RFC 8259 JSON, written for carrier callbacks: it keeps
/// the kind of every value, never fails on a value it can read somehow (see
/// ``JSONValue/parse(_:)``), and reports what it cannot read with the byte offset.
///
/// Arrays and objects deeper than `maximumDepth` are checked without recursion and read as
/// `null`: no carrier field the relay uses sits that deep, and no nesting can exhaust the stack.
struct JSONReader {
    private let bytes: [UInt8]
    private let maximumDepth: Int
    private var index = 0
    private var depth = 0

    init(_ bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    mutating func readDocument() throws(PayloadError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
        }
        skipWhitespace()
        guard index < bytes.count else {
            throw .malformedJSON(bytes.isEmpty ? "the body is empty" : "the body holds no value")
        }
        let value = try readValue()
        skipWhitespace()
        guard index == bytes.count else {
            throw failure("unexpected text after the end of the value")
        }
        return value
    }

    // MARK: - Values

    private mutating func readValue() throws(PayloadError) -> JSONValue {
        guard index < bytes.count else { throw failure("the body ends where a value should be") }
        let byte = bytes[index]
        if depth >= maximumDepth, byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
            return try skipNested()
        }
        switch byte {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): return try readLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try readLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try readLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw failure("unexpected \(describe(bytes[index])) where a value should be")
        }
    }

    private mutating func readObject() throws(PayloadError) -> JSONValue {
        enter()
        index += 1
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if take(UInt8(ascii: "}")) {
            depth -= 1
            return .object(fields)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw failure("expected a quoted key in an object")
            }
            let key = try readString()
            skipWhitespace()
            guard take(UInt8(ascii: ":")) else { throw failure("expected ':' after an object key") }
            skipWhitespace()
            // A repeated key: the last one wins, as in most JSON readers.
            fields[key] = try readValue()
            skipWhitespace()
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "}")) else { throw failure("expected ',' or '}' in an object") }
            depth -= 1
            return .object(fields)
        }
    }

    private mutating func readArray() throws(PayloadError) -> JSONValue {
        enter()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if take(UInt8(ascii: "]")) {
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try readValue())
            skipWhitespace()
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "]")) else { throw failure("expected ',' or ']' in an array") }
            depth -= 1
            return .array(elements)
        }
    }

    private mutating func enter() {
        depth += 1
    }

    /// Checks an array or object of any depth with an explicit stack, and reads it as `null`.
    private mutating func skipNested() throws(PayloadError) -> JSONValue {
        enum Expecting { case value, valueOrClose, key, keyOrClose, colon, commaOrClose }
        var closers: [UInt8] = []
        var expecting = Expecting.value
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw failure("the body ends inside an array or object") }
            let byte = bytes[index]
            var closes = false
            switch expecting {
            case .value, .valueOrClose:
                if expecting == .valueOrClose, byte == UInt8(ascii: "]") {
                    closes = true
                } else if byte == UInt8(ascii: "{") {
                    index += 1
                    closers.append(UInt8(ascii: "}"))
                    expecting = .keyOrClose
                } else if byte == UInt8(ascii: "[") {
                    index += 1
                    closers.append(UInt8(ascii: "]"))
                    expecting = .valueOrClose
                } else {
                    _ = try readValue()  // a scalar: no recursion
                    expecting = .commaOrClose
                }
            case .key, .keyOrClose:
                if expecting == .keyOrClose, byte == UInt8(ascii: "}") {
                    closes = true
                } else {
                    guard byte == UInt8(ascii: "\"") else { throw failure("expected a quoted key in an object") }
                    _ = try readString()
                    expecting = .colon
                }
            case .colon:
                guard take(UInt8(ascii: ":")) else { throw failure("expected ':' after an object key") }
                expecting = .value
            case .commaOrClose:
                if byte == UInt8(ascii: ",") {
                    index += 1
                    expecting = closers.last == UInt8(ascii: "}") ? .key : .value
                } else if byte == closers.last {
                    closes = true
                } else {
                    throw failure("expected ',' or the end of an array or object")
                }
            }
            if closes {
                index += 1
                closers.removeLast()
                if closers.isEmpty { return .null }
                expecting = .commaOrClose
            }
        }
    }

    private mutating func readLiteral(_ word: String, _ value: JSONValue) throws(PayloadError) -> JSONValue {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
            throw failure("unexpected \(describe(bytes[index])) where a value should be")
        }
        index += expected.count
        return value
    }

    /// A number as RFC 8259 writes it: an integer if it fits in 64 bits, else a double
    /// (`1e400` is infinity: a field nobody reads must not refuse the message).
    private mutating func readNumber() throws(PayloadError) -> JSONValue {
        let start = index
        var isInteger = true
        _ = take(UInt8(ascii: "-"))
        guard takeDigits() else { throw failure("a number needs digits") }
        if take(UInt8(ascii: ".")) {
            isInteger = false
            guard takeDigits() else { throw failure("a number needs digits after '.'") }
        }
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            isInteger = false
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            guard takeDigits() else { throw failure("a number needs digits in its exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let integer = Int64(text) {
            return .integer(integer)
        }
        return .double(Double(text) ?? (text.hasPrefix("-") ? -.infinity : .infinity))
    }

    private mutating func takeDigits() -> Bool {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            index += 1
        }
        return index > start
    }

    // MARK: - Strings

    /// A quoted string. Control characters inside are kept (they are neutralised where the text
    /// is used); invalid UTF-8 and lone surrogates become U+FFFD.
    private mutating func readString() throws(PayloadError) -> String {
        index += 1
        var utf8: [UInt8] = []
        while true {
            guard index < bytes.count else { throw failure("a string is not closed") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try readEscape(into: &utf8)
            default:
                utf8.append(byte)
            }
        }
    }

    private mutating func readEscape(into utf8: inout [UInt8]) throws(PayloadError) {
        guard index < bytes.count else { throw failure("a string ends inside an escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try readHex4()
            var scalar = Unicode.Scalar(unit)
            if (0xD800...0xDBFF).contains(unit) {
                // A high surrogate: a low one must follow as \uXXXX to make one character.
                let mark = index
                if take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = try? readHex4(), (0xDC00...0xDFFF).contains(low) {
                    scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
                } else {
                    index = mark
                }
            }
            utf8.append(contentsOf: String(Character(scalar ?? "\u{FFFD}")).utf8)
        default:
            throw failure("unknown escape '\\\(describe(byte, quoted: false))' in a string")
        }
    }

    private mutating func readHex4() throws(PayloadError) -> UInt16 {
        guard bytes.count - index >= 4 else { throw failure("\\u needs four hex digits") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("\\u needs four hex digits")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    // MARK: - Helpers

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
            index += 1
        }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private func describe(_ byte: UInt8, quoted: Bool = true) -> String {
        let text = (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "byte 0x" + String(byte, radix: 16, uppercase: true)
        return quoted && (0x21...0x7E).contains(byte) ? "'\(text)'" : text
    }

    private func failure(_ detail: String) -> PayloadError {
        .malformedJSON("\(detail) (at byte \(min(index, bytes.count)))")
    }
}
