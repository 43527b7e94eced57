/// The fields of an `application/x-www-form-urlencoded` body, or of a URL query string, in the
/// order they were written: how Twilio, SignalWire and VoIP.ms send a callback.
///
/// It reads liberally and never fails: `+` is a space, `%XX` is the byte it names, and what does
/// not decode is kept as written — a `%` not followed by two hex digits stays `%`, and an escape
/// whose bytes are not UTF-8 (`%E9` from a Latin-1 form) stays `%E9`; a raw byte that is not UTF-8
/// becomes U+FFFD. Empty pairs (`a=1&&b=2`) are skipped, and a name without `=` has the value "".
/// Repeated names are all kept, in order.
public struct FormFields: Sendable, Equatable {
    /// One `name=value` pair, decoded.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Every pair, in the order of the body.
    public var fields: [Field]

    /// Parses a form body or a query string (without its leading `?`).
    public init(parsing bytes: some Collection<UInt8>) {
        self.init(parsing: bytes, separators: [UInt8(ascii: "&")])
    }

    /// Parses with other pair separators too, e.g. `;` as well as `&`.
    init(parsing bytes: some Collection<UInt8>, separators: Set<UInt8>) {
        let bytes = Array(bytes)
        var fields: [Field] = []
        for pair in bytes.split(omittingEmptySubsequences: true, whereSeparator: separators.contains) {
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                fields.append(Field(
                    name: Self.decode(pair[pair.startIndex..<equals]),
                    value: Self.decode(pair[(equals + 1)...])
                ))
            } else {
                fields.append(Field(name: Self.decode(pair), value: ""))
            }
        }
        self.fields = fields
    }

    /// Fields already decoded, e.g. for a test or a signature check.
    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// Every pair as a tuple, in the order of the body.
    public var pairs: [(name: String, value: String)] {
        fields.map { ($0.name, $0.value) }
    }

    public var isEmpty: Bool { fields.isEmpty }

    /// The first value given for `name` (names are compared exactly, case included).
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Every value given for `name`, in order.
    public func values(named name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }
}

extension FormFields {
    /// Where a decoded byte came from: itself, or a `%XX` escape that is kept as written when its
    /// byte turns out not to be part of valid UTF-8.
    private enum Origin {
        case raw
        case escape(UInt8, UInt8)
    }

    /// One name or value, `+` and `%XX` decoded.
    static func decode(_ encoded: ArraySlice<UInt8>) -> String {
        var bytes: [UInt8] = []
        var origins: [Origin] = []
        bytes.reserveCapacity(encoded.count)
        origins.reserveCapacity(encoded.count)
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let byte = encoded[index]
            if byte == UInt8(ascii: "%"), index + 2 < encoded.endIndex,
               let high = hexValue(encoded[index + 1]), let low = hexValue(encoded[index + 2]) {
                bytes.append(high << 4 | low)
                origins.append(.escape(encoded[index + 1], encoded[index + 2]))
                index += 3
                continue
            }
            bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            origins.append(.raw)
            index += 1
        }
        return text(bytes, origins: origins)
    }

    /// The decoded bytes as text; a sequence that is not UTF-8 is written back as its escapes,
    /// or as U+FFFD when it came raw.
    private static func text(_ bytes: [UInt8], origins: [Origin]) -> String {
        if let valid = String(validating: bytes, as: UTF8.self) {
            return valid
        }
        var result = String.UnicodeScalarView()
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var position = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                result.append(Unicode.UTF8.decode(encoded))
                position += encoded.count
            case .error(let length):
                for origin in origins[position..<(position + length)] {
                    switch origin {
                    case .raw:
                        result.append("\u{FFFD}")
                    case .escape(let high, let low):
                        result.append("%")
                        result.append(Unicode.Scalar(high))
                        result.append(Unicode.Scalar(low))
                    }
                }
                position += length
            case .emptyInput:
                return String(result)
            }
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
