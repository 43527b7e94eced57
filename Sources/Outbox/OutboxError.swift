/// Why the outbox could not do what was asked.
public struct OutboxError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable { case cannotOpen, inconsistent, locked, unavailable }

    public let code: Code
    public let description: String

    public static func cannotOpen(path: String, reason: String) -> OutboxError {
        OutboxError(code: .cannotOpen, description: "cannot open the outbox database at \(path): \(reason)")
    }

    public static func inconsistent(_ detail: String) -> OutboxError {
        OutboxError(code: .inconsistent, description: "outbox database is inconsistent: \(detail)")
    }

    /// The database did not do what was asked (a lost connection, no answer in time); nothing was changed.
    public static func unavailable(_ detail: String) -> OutboxError {
        OutboxError(code: .unavailable, description: "the outbox database cannot be used now: \(detail)")
    }

    public static func locked(path: String) -> OutboxError {
        OutboxError(
            code: .locked,
            description: "another smsrelay server is already using \(path); stop it or choose another --data-dir")
    }
}
