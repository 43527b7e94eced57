import Foundation
import PostgresNIO

/// Errors of the database in words a user can act on. PostgresNIO keeps its own descriptions
/// vague so that no query text leaks into logs; this takes only the server's message and code
/// and the cause of a failed connection, never the statement or its values.
enum PostgresErrorText {
    static func describe(_ error: any Error) -> String {
        if let failed = error as? PostgresTransactionError {
            let cause = failed.closureError ?? failed.commitError ?? failed.beginError ?? failed.rollbackError
            return cause.map(describe) ?? "the transaction failed"
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        var parts: [String] = []
        if let message = error.serverInfo?[.message] {
            var text = message
            if let code = error.serverInfo?[.sqlState] { text += " (SQLSTATE \(code))" }
            parts.append(text)
        } else {
            parts.append(codeText(error.code))
        }
        if let underlying = error.underlying {
            parts.append("\(underlying)")
        }
        return parts.joined(separator: ": ")
    }

    private static func codeText(_ code: PSQLError.Code) -> String {
        switch code {
        case .connectionError: "cannot connect"
        case .sslUnsupported: "the server does not offer TLS (sslmode asks for it)"
        case .failedToAddSSLHandler: "cannot start TLS"
        case .unsupportedAuthMechanism: "the server asks for an authentication method that is not supported"
        case .authMechanismRequiresPassword: "the server asks for a password and the URL has none"
        case .serverClosedConnection, .uncleanShutdown: "the server closed the connection"
        case .poolClosed: "the connection pool is closed"
        default: "\(code)"
        }
    }
}

/// Runs `body`, failing with ``DeadlineExceeded`` when it takes longer than `limit`.
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded(limit: limit)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

struct DeadlineExceeded: Error, CustomStringConvertible {
    var limit: Duration
    var description: String { "no answer within \(limit.components.seconds) s (is the server up, and reachable from here?)" }
}
