extension StringProtocol {
    /// Without leading and trailing tabs and space separators (Unicode category Zs): what
    /// Foundation's `trimmingCharacters(in: .whitespaces)` trims, without bridging to
    /// `NSString` on every callback.
    package func trimmingBlanks() -> String {
        let isBlank = { (scalar: Unicode.Scalar) in scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !isBlank($0) }), let last = scalars.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(scalars[first...last])
    }
}
