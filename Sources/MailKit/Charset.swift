/// The character sets received mail is decoded from, by their MIME names and common aliases.
///
/// UTF-8, US-ASCII, ISO-8859-1, Windows-1252 and ISO-8859-15 are known. ISO-8859-1 is read as
/// Windows-1252, as browsers do: its bytes 0x80–0x9F are controls no one means, while mail
/// labelled Latin-1 often holds Windows quotes and `€` there. Text labelled US-ASCII, an unknown
/// charset or none at all is read as UTF-8 when it is valid UTF-8, else as Windows-1252.
enum Charset: Sendable, Equatable {
    case utf8
    case windows1252
    case iso8859_15
    /// Unlabelled, US-ASCII or unknown: UTF-8 when valid, else Windows-1252.
    case guess

    /// The charset a MIME or RFC 2047 charset name stands for; case, quotes, surrounding space
    /// and an RFC 2231 language suffix (`utf-8*en`) are ignored.
    init(named name: String?) {
        var key = (name ?? "").lowercased()
        if let star = key.firstIndex(of: "*") { key = String(key[..<star]) }
        key = String(key.filter { !" \t\"'".contains($0) })
        switch key {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8":
            self = .utf8
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "iso88591", "latin1", "latin-1", "l1", "cp819", "ibm819",
            "windows-1252", "cp1252", "x-cp1252", "win-1252", "windows1252", "iso_8859-1:1987":
            self = .windows1252
        case "iso-8859-15", "iso8859-15", "iso_8859-15", "iso885915", "latin9", "latin-9", "l9":
            self = .iso8859_15
        default:
            self = .guess
        }
    }

    /// `bytes` as text. Invalid UTF-8 in text labelled UTF-8 becomes U+FFFD.
    func decode(_ bytes: some Collection<UInt8>) -> String {
        switch self {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .windows1252:
            return Self.decodeSingleByte(bytes, Self.windows1252Scalar)
        case .iso8859_15:
            return Self.decodeSingleByte(bytes, Self.iso8859_15Scalar)
        case .guess:
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            return Self.decodeSingleByte(bytes, Self.windows1252Scalar)
        }
    }

    private static func decodeSingleByte(_ bytes: some Collection<UInt8>, _ scalar: (UInt8) -> Unicode.Scalar) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(scalar(byte)) }
        return String(scalars)
    }

    /// Windows-1252: Latin-1 but for 0x80–0x9F, where it has quotes, dashes, `€` and a few
    /// letters. The five bytes it leaves undefined map to the C1 controls of the same value.
    static func windows1252Scalar(_ byte: UInt8) -> Unicode.Scalar {
        guard (0x80...0x9F).contains(byte) else { return Unicode.Scalar(byte) }
        return Unicode.Scalar(windows1252High[Int(byte - 0x80)]) ?? Unicode.Scalar(byte)
    }

    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80–87
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,  // 88–8F
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90–97
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,  // 98–9F
    ]

    /// ISO-8859-15: Latin-1 with eight positions changed, `€` at 0xA4 among them.
    private static func iso8859_15Scalar(_ byte: UInt8) -> Unicode.Scalar {
        let value: UInt32 =
            switch byte {
            case 0xA4: 0x20AC
            case 0xA6: 0x0160
            case 0xA8: 0x0161
            case 0xB4: 0x017D
            case 0xB8: 0x017E
            case 0xBC: 0x0152
            case 0xBD: 0x0153
            case 0xBE: 0x0178
            default: UInt32(byte)
            }
        return Unicode.Scalar(value) ?? Unicode.Scalar(byte)
    }
}
