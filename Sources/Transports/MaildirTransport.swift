import Foundation
import MailKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Delivers each email as one file in a maildir (`tmp/`, `new/`, `cur/`), readable by any mail client
/// that speaks maildir (mutt, Thunderbird, Dovecot) or by `cat`.
///
/// The file is written and fsynced in `tmp/`, then renamed into `new/`: a reader never sees half a message.
public struct MaildirTransport: MailTransport {
    public let name = "maildir"
    public let root: URL

    /// Files in `tmp/` older than this are left over from an interrupted delivery (a crash
    /// between creating and renaming), and are removed when the transport opens.
    public static let orphanAge: TimeInterval = 86_400

    /// Creates the maildir's folders if they are missing, and clears `tmp/` of files an
    /// interrupted delivery left there more than a day ago (maildir's own rule for `tmp/`).
    public init(root: URL, now: Date = Date()) throws {
        self.root = root
        for sub in ["tmp", "new", "cur"] {
            let dir = root.appendingPathComponent(sub)
            do {
                // Private, like every message file in it (0600): texts are nobody else's to read.
                try FileManager.default.createDirectory(
                    at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw MailTransportError.permanent("cannot create maildir folder \(dir.path): \(error.localizedDescription)")
            }
        }
        removeOrphans(olderThan: now.addingTimeInterval(-Self.orphanAge))
    }

    /// Removes regular files in `tmp/` last changed before `cutoff`. Best effort: a file that
    /// cannot be removed stays for the next start.
    private func removeOrphans(olderThan cutoff: Date) {
        let tmp = root.appendingPathComponent("tmp")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []
        for name in names {
            let path = tmp.appendingPathComponent(name).path
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
                  Double(info.st_mtim.tv_sec) < cutoff.timeIntervalSince1970
            else { continue }
            unlink(path)
        }
    }

    public func send(_ email: Email) async throws -> MailReceipt {
        let bytes = MIMEWriter.render(email)
        let name = Self.uniqueName()
        let tmp = root.appendingPathComponent("tmp").appendingPathComponent(name).path
        let new = root.appendingPathComponent("new").appendingPathComponent(name).path
        try Self.writeDurably(bytes, to: tmp)
        guard rename(tmp, new) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw MailTransportError.transient("cannot move \(tmp) into new/: \(reason)")
        }
        Self.syncDirectory(root.appendingPathComponent("new").path)
        return MailReceipt(transportMessageID: name, answer: new)
    }

    /// A maildir file name: time, a random part and the host, unique across processes.
    static func uniqueName() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let random = UInt64.random(in: 0...UInt64.max)
        let host = ProcessInfo.processInfo.hostName
            .replacingOccurrences(of: "/", with: "\\057")
            .replacingOccurrences(of: ":", with: "\\072")
        return "\(now.tv_sec).M\(now.tv_nsec / 1000)P\(getpid())R\(String(random, radix: 16)).\(host)"
    }

    private static func writeDurably(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw MailTransportError.transient("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 {
            failure = String(cString: strerror(errno))
        }
        close(fd)
        if let failure {
            unlink(path)
            throw MailTransportError.transient("cannot write \(path): \(failure)")
        }
    }

    private static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
