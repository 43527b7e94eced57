import Foundation

/// Media types (`type/subtype`) of attached files: normalised, and given a file extension.
enum MediaType {
    /// The type of a file nothing better is known of.
    static let fallback = "application/octet-stream"

    /// The image types mail clients show inside the message; other images are attached as files.
    static let inlineImages: Set = ["image/jpeg", "image/png", "image/gif", "image/webp"]

    /// `given` lower-cased and without parameters (`Image/JPEG; q=1` → `image/jpeg`), with
    /// common aliases replaced (`image/jpg`, `image/pjpeg` → `image/jpeg`). Nil when it is not
    /// RFC 2045 `type/subtype` token syntax, or is a `multipart/*` or `message/*` type (which
    /// cannot be sent as a base64 file).
    static func normalised(_ given: String?) -> String? {
        guard let given else { return nil }
        let essence = given.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let type = essence.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = type.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isTokenCharacter) }),
            parts[0] != "multipart", parts[0] != "message"
        else {
            return nil
        }
        return aliases[type] ?? type
    }

    /// The extension (without the dot) for a file of `type` that has none; `bin` when unknown.
    static func fileExtension(for type: String) -> String {
        extensions[type] ?? "bin"
    }

    private static let aliases = [
        "image/jpg": "image/jpeg",
        "image/pjpeg": "image/jpeg",
        "image/x-png": "image/png",
        "image/x-ms-bmp": "image/bmp",
        "image/x-bmp": "image/bmp",
    ]

    private static let extensions = [
        "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
        "image/bmp": "bmp", "image/tiff": "tif", "image/heic": "heic", "image/heif": "heif",
        "image/avif": "avif",
        "text/vcard": "vcf", "text/x-vcard": "vcf", "text/calendar": "ics", "text/plain": "txt",
        "application/pdf": "pdf", "application/smil": "smil",
        "video/mp4": "mp4", "video/3gpp": "3gp", "video/3gpp2": "3g2", "video/quicktime": "mov",
        "audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/aac": "aac", "audio/amr": "amr",
        "audio/3gpp": "3gp", "audio/ogg": "ogg", "audio/wav": "wav",
    ]

    /// RFC 2045 `token` characters: printable ASCII except space and `tspecials`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && !"()<>@,;:\\\"/[]?=".utf8.contains(byte)
    }
}
