import Foundation

/// The admin page's password at rest: a bcrypt hash in a file (`SMSRELAY_ADMIN_PASSWORD_FILE`),
/// never the password itself.
public enum AdminPassword {
    /// The shortest password `smsrelay admin-password` hashes.
    public static let minimumLength = 12

    /// Whether `text` is a bcrypt hash: `$2a$`, `$2b$` or `$2y$`, a two-digit cost, 53 characters
    /// of bcrypt's base64.
    public static func isBcryptHash(_ text: String) -> Bool {
        text.range(of: #"^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$"#, options: .regularExpression) != nil
    }

    /// The hash in `path`, checked.
    /// - Throws: ``ConfigError`` naming the setting when the file cannot be read or holds
    ///   anything but a bcrypt hash (a password in clear included).
    public static func readHash(_ path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError("\(SettingKey.adminPasswordFile.environmentName): cannot read \(path); check that it exists, its owner and permissions")
        }
        let hash = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard isBcryptHash(hash) else {
            throw ConfigError(
                "\(SettingKey.adminPasswordFile.environmentName): \(path) does not hold a bcrypt hash; "
                    + "write one with `smsrelay admin-password > \(path)` (it reads the password from standard input)")
        }
        return hash
    }
}
