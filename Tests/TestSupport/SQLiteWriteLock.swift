import Foundation

/// `sqlite_write_lock.py` in a child process: another process holding a SQLite database's write
/// lock (`BEGIN IMMEDIATE`), as a stuck process would; a full disk or a read-only volume fails
/// the same writes. The lock is released when the process stops.
public enum SQLiteWriteLock {
    /// Runs `body` while the write lock of the database at `path` is held by another process.
    public static func with<T>(_ path: String, _ body: () async throws -> T) async throws -> T {
        let peer = try await PythonPeer.start("sqlite_write_lock.py", prefix: "sqlite-lock") { _ in [path] }
        return try await using(peer, stop: { await $0.stop() }) { _ in try await body() }
    }
}
