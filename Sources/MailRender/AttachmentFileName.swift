import Foundation
import MailKit
import SMSRelayCore

/// The file name a downloaded media item is attached under: safe to save on any system, and
/// with an extension that says what the file is.
enum AttachmentFileName {
    /// The longest name, in characters, extension included.
    static let maximumLength = 100
    /// The longest extension kept as one when a long name is shortened.
    private static let maximumExtensionLength = 10

    /// The carrier's file name, else the last path component of the URL, else `media-<position>`,
    /// made safe by ``sanitised(_:)``, with an extension for `contentType` added when it has none.
    static func make(for item: MediaItem, position: Int, contentType: String) -> String {
        var name = sanitised(item.fileName ?? "")
        if name.isEmpty, let components = URLComponents(string: item.url), let last = components.path.split(separator: "/").last {
            name = sanitised(String(last))
        }
        if name.isEmpty {
            name = "media-\(position)"
        }
        if fileExtension(of: name) == nil {
            let suffix = "." + MediaType.fileExtension(for: contentType)
            name = String(name.prefix(maximumLength - suffix.count)).trimmingTrailingDotsAndSpaces() + suffix
        }
        return name
    }

    /// `name` without directories (what precedes the last `/` or `\`), control and formatting
    /// characters (a right-to-left override could disguise the extension), characters Windows
    /// does not allow (`<>:"|?*`) or leading dots; white space collapsed to single spaces, no
    /// trailing dots or spaces; at most ``maximumLength`` characters, keeping the extension.
    /// Empty when nothing is left.
    static func sanitised(_ name: String) -> String {
        let base = name.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? ""
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in base.unicodeScalars {
            if scalar.properties.isWhitespace || HeaderText.isControl(scalar) {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if scalar.properties.generalCategory == .format || "<>:\"|?*".unicodeScalars.contains(scalar) {
                continue
            }
            if scalars.isEmpty, scalar == "." {
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(scalar)
        }
        let cleaned = String(scalars).trimmingTrailingDotsAndSpaces()
        guard cleaned.count > maximumLength else { return cleaned }
        guard let fileExtension = fileExtension(of: cleaned) else {
            return String(cleaned.prefix(maximumLength)).trimmingTrailingDotsAndSpaces()
        }
        let stem = cleaned.dropLast(fileExtension.count + 1).prefix(maximumLength - fileExtension.count - 1)
        return String(stem).trimmingTrailingDotsAndSpaces() + "." + fileExtension
    }

    /// The extension of `name` (without the dot): up to ``maximumExtensionLength`` ASCII letters
    /// and digits after the last dot, which must not be the first character.
    static func fileExtension(of name: String) -> String? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let candidate = name[name.index(after: dot)...]
        guard (1...maximumExtensionLength).contains(candidate.count),
            candidate.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil) })
        else {
            return nil
        }
        return String(candidate)
    }
}

extension String {
    fileprivate func trimmingTrailingDotsAndSpaces() -> String {
        var result = Substring(self)
        while let last = result.last, last == "." || last == " " { result = result.dropLast() }
        return String(result)
    }
}
