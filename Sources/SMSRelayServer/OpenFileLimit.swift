import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files (`ulimit -n`), which client connections share with the
/// database, the maildir, the SMTP connection and the event loops.
enum OpenFileLimit {
    /// Descriptors kept free beside those open at start-up, for what opens later: database
    /// readers, maildir files, the SMTP connection.
    static let headroom = 32

    /// The soft limit, or nil when there is none.
    static var current: Int? {
        var limit = rlimit()
        #if canImport(Glibc)
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        #else
        guard getrlimit(RLIMIT_NOFILE, &limit) == 0 else { return nil }
        #endif
        // RLIM_INFINITY is the largest value the type holds.
        guard limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// How many descriptors the process has open now, if the system says.
    static var openNow: Int? {
        for folder in ["/proc/self/fd", "/dev/fd"] {
            if let names = try? FileManager.default.contentsOfDirectory(atPath: folder) {
                return max(0, names.count - 1)  // less the one listing the folder
            }
        }
        return nil
    }

    /// The most connections that fit under `fileLimit` beside the `open` descriptors and the headroom.
    static func connections(configured: Int, fileLimit: Int?, open: Int?) -> Int {
        guard let fileLimit else { return configured }
        return max(1, min(configured, fileLimit - (open ?? 64) - headroom))
    }
}
