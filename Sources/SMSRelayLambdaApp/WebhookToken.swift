import Foundation

/// The secret in the callback URL (`/flowroute/<token>`): configured, or generated once and kept
/// in the data folder so that the URL pasted into the carrier stays valid across restarts.
public enum WebhookToken {
    public static let fileName = "webhook-token"

    /// Whether a token is usable in a URL path and long enough to resist guessing.
    public static func isAcceptable(_ token: String) -> Bool {
        token.utf8.count >= 16 && token.utf8.count <= 256
            && token.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    /// The configured token if there is one; otherwise the one stored in `dataDirectory`,
    /// generating and storing (mode 0600) a new one on first start.
    /// - Returns: the token and whether it was generated just now.
    public static func resolve(configured: String?, dataDirectory: URL) throws -> (token: String, generated: Bool) {
        if let configured { return (configured, false) }
        let path = dataDirectory.appendingPathComponent(fileName).path
        if let stored = try? String(contentsOfFile: path, encoding: .utf8) {
            let token = stored.trimmingCharacters(in: .whitespacesAndNewlines)
            guard isAcceptable(token) else {
                throw ConfigError("\(path) does not hold a usable webhook token; delete it to generate a new one")
            }
            return (token, false)
        }
        let token = generate()
        try SecretFile.store(token + "\n", to: path, what: "the webhook token")
        return (token, true)
    }

    /// The token stored in `dataDirectory`, or nil when none has been generated there yet.
    /// Never generates one.
    public static func stored(in dataDirectory: URL) throws -> String? {
        try SecretFile.read(
            dataDirectory.appendingPathComponent(fileName).path, what: "webhook token", isUsable: isAcceptable,
            advice: "delete it to generate a new one")
    }

    /// The token as logs may show it: its first four characters, the rest hidden.
    public static func redacted(_ token: String) -> String {
        String(token.prefix(4)) + "…(redacted)"
    }

    /// 32 random bytes as 64 hex digits.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
