import HummingbirdBcrypt

/// bcrypt for the admin page's password: the hash `smsrelay admin-password` writes, and the check
/// at login.
public enum AdminPasswordHasher {
    /// bcrypt's cost: 2^12 rounds, a quarter of a second or so on a small server.
    public static let cost: UInt8 = 12

    public static func hash(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }
}
