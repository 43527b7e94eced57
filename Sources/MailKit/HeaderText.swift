/// Character tests and clean-ups shared by address parsing and header writing.
public enum HeaderText {
    /// Whether a scalar could end a header line or otherwise has no place in one:
    /// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }

    /// `value` with every control character (see ``isControl(_:)``) replaced by a space,
    /// so that nothing in it can end the header line it is written on.
    public static func neutralisingControls(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: isControl) else { return value }
        var scalars = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            scalars.append(isControl(scalar) ? " " : scalar)
        }
        return String(scalars)
    }

    /// RFC 5322 `atext`: the characters an atom may contain unquoted.
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }

    /// Whether `value` is RFC 5322 `dot-atom-text`: atoms of `atext` joined by single dots.
    static func isDotAtomText<S: StringProtocol>(_ value: S) -> Bool {
        let atoms = value.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return atoms.allSatisfy { !$0.isEmpty && $0.allSatisfy(isAtext) }
    }

    /// `value` in single quotes for an error message, with control characters made visible.
    public static func quotedForMessage<S: StringProtocol>(_ value: S) -> String {
        var result = "'"
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case _ where isControl(scalar):
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "'"
    }
}

extension HeaderText {
    /// `value` as an identifier part of a header (a Message-ID's left side, a Content-ID): RFC
    /// 5322 `atext` but `%`, and the bytes `also` lists, as they are; every other byte as `%XX`.
    /// An encoding longer than `maximumLength` is cut and ends with a hash of the whole value, so
    /// the result stays stable and distinct.
    static func percentEncodedIdentifier(_ value: String, also: Set<UInt8> = [], maximumLength: Int = 100) -> String {
        var encoded = ""
        for byte in value.utf8 {
            if (isAtext(byte) && byte != UInt8(ascii: "%")) || also.contains(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + Hex.byte(byte)
            }
        }
        guard encoded.utf8.count > maximumLength else { return encoded }
        // Cut on a scalar boundary (all ASCII here) and keep the whole value's identity in a hash.
        let hash = String(FNV1a.hash(Array(value.utf8)), radix: 16)
        return String(encoded.prefix(maximumLength - 18)) + "-" + hash
    }
}
