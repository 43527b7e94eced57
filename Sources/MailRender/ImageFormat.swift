/// The image formats recognised from a file's first bytes, so that a file said to be an image
/// is only shown as one when it is.
enum ImageFormat: Sendable, Equatable {
    case jpeg, png, gif, webp, bmp, tiff
    /// HEIF in all its brands: HEIC, AVIF and plain HEIF share the ISO media container.
    case heif

    /// The format a (normalised) media type names; nil for anything else, including image types
    /// whose files cannot be recognised this way (`image/svg+xml`).
    init?(mediaType: String) {
        switch mediaType {
        case "image/jpeg", "image/jpg", "image/pjpeg": self = .jpeg
        case "image/png", "image/x-png": self = .png
        case "image/gif": self = .gif
        case "image/webp": self = .webp
        case "image/bmp", "image/x-bmp", "image/x-ms-bmp": self = .bmp
        case "image/tiff": self = .tiff
        case "image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence", "image/avif": self = .heif
        default: return nil
        }
    }

    /// The format `bytes` start with, and the media type that names it.
    static func sniff(_ bytes: [UInt8]) -> (format: ImageFormat, mediaType: String)? {
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + signature.count && Array(bytes[offset..<(offset + signature.count)]) == signature
        }
        if starts([0xFF, 0xD8, 0xFF]) { return (.jpeg, "image/jpeg") }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return (.png, "image/png") }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return (.gif, "image/gif") }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return (.webp, "image/webp") }
        if starts(Array("BM".utf8)) { return (.bmp, "image/bmp") }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return (.tiff, "image/tiff") }
        if starts(Array("ftyp".utf8), at: 4), bytes.count >= 12 {
            switch String(decoding: bytes[8..<12], as: UTF8.self) {
            case "heic", "heix", "hevc", "hevx", "heim", "heis": return (.heif, "image/heic")
            case "avif", "avis": return (.heif, "image/avif")
            case "mif1", "msf1": return (.heif, "image/heif")
            default: return nil
            }
        }
        return nil
    }
}
