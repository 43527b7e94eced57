import Crypto

/// The lowercase hex SHA-256 of some bytes: media files' names, stand-in Message-IDs.
package enum SHA256Hex {
    package static func of(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
