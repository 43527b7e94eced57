import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A secret the relay generates once and keeps in its data folder: the webhook token, the reply secret.
package enum SecretFile {
    /// The secret stored at `path`, trimmed, or nil when there is no such file.
    /// - Parameters:
    ///   - what: the secret's name for errors, e.g. `webhook token`.
    ///   - isUsable: whether a stored value can be used.
    ///   - advice: what to do about an unusable one.
    package static func read(_ path: String, what: String, isUsable: (String) -> Bool, advice: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError("cannot read the \(what) in \(path); check its owner and permissions")
        }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard isUsable(secret) else {
            throw ConfigError("\(path) does not hold a usable \(what); \(advice)")
        }
        return secret
    }

    /// Writes a file readable by its owner only, through a temporary name, so it is whole or absent.
    /// - Parameter what: the secret's name for the error, e.g. `the webhook token`.
    package static func store(_ contents: String, to path: String, what: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ConfigError("cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ConfigError("cannot store \(what) in \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// The key of the reply addresses' codes: configured (`SMSRELAY_REPLY_SECRET`), or generated
/// once into the data folder, like the webhook token, so that addresses given out stay valid
/// across restarts.
public enum ReplySecret {
    public static let fileName = "reply-secret"

    /// The configured secret if there is one; otherwise the one stored in `dataDirectory`,
    /// generating and storing (0600) a new one on first start.
    public static func resolve(configured: String?, dataDirectory: URL) throws -> String {
        if let configured { return configured }
        if let stored = try stored(in: dataDirectory) { return stored }
        let secret = WebhookToken.generate()
        try SecretFile.store(secret + "\n", to: dataDirectory.appendingPathComponent(fileName).path, what: "the reply secret")
        return secret
    }

    /// The secret stored in `dataDirectory`, or nil when none has been generated there yet.
    public static func stored(in dataDirectory: URL) throws -> String? {
        try SecretFile.read(
            dataDirectory.appendingPathComponent(fileName).path, what: "reply secret", isUsable: ReplySettings.isSecret,
            advice: "it needs at least 16 characters; delete it to generate a new one (the reply addresses already given out then stop working)")
    }
}
