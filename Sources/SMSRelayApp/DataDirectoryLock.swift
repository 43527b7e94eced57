import Foundation
import SMSRelayLambdaApp
import Outbox

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on the data folder, held for the life of the server, so that two servers
/// never drain one outbox. The kernel releases it when the process ends, however it ends.
public final class DataDirectoryLock {
    private let fd: Int32

    init(directory: URL) throws {
        let path = directory.appendingPathComponent("smsrelay.lock").path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw OutboxError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw OutboxError.locked(path: directory.path)
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
