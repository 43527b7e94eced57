/// RFC 4648 base32 in lowercase, without padding: case-insensitive once lowercased, and made of
/// characters every mail system keeps in a local part.
enum Base32 {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func lowercase(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[(buffer >> bits) & 31])
            }
        }
        if bits > 0 {
            output.append(alphabet[(buffer << (5 - bits)) & 31])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of a lowercase base32 text, or nil when a character is not in the alphabet or
    /// the text is not the one encoding of its bytes (a character too many, stray trailing bits).
    static func decodeLowercase(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer = 0
        var bits = 0
        for character in text.utf8 {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = ((buffer << 5) | value) & 0xFFFF
            bits += 5
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((buffer >> bits) & 0xFF))
            }
        }
        // One text per byte string: no extra character, no stray trailing bits.
        guard lowercase(output) == text else { return nil }
        return output
    }
}
