import Foundation
import SMSRelayLambdaApp
import Logging


#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The relay's data folder, private to the user that runs the relay: the folder and the folders
/// in it 0700, every file 0600.
public enum DataDirectory {
    /// Creates the folder (0700) when it is missing; when it exists, takes from it and from
    /// everything in it any permission for other users, with a notice in the log; then creates
    /// each of `privateFiles` that is missing, empty and 0600.
    ///
    /// An SQLite database created empty this way passes its mode on to its `-wal` and `-shm`
    /// files, whatever the umask.
    /// - Throws: ``ConfigError`` in one line, naming the folder, the setting and the reason.
    public static func prepare(_ url: URL, privateFiles: [String] = [], logger: Logger) throws {
        let path = url.path
        var info = stat()
        if stat(path, &info) != 0 {
            switch errno {
            case ENOENT:
                try makeDirectory(path)
            case ENOTDIR:
                throw ConfigError(
                    "the data folder \(path) (\(SettingKey.dataDir.environmentName)) cannot be created: "
                        + "a part of its path is a file, not a folder")
            case let code:
                throw failure(path, "cannot be read", code)
            }
        } else if info.st_mode & S_IFMT != S_IFDIR {
            throw ConfigError(
                "the data folder \(path) (\(SettingKey.dataDir.environmentName)) is a file, not a folder; "
                    + "choose another path or move the file away")
        } else {
            tighten(path, logger: logger)
        }
        for name in privateFiles {
            let file = url.appendingPathComponent(name).path
            let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 {
                close(fd)
            } else if errno != EEXIST {
                throw ConfigError(
                    "\(file) in the data folder (\(SettingKey.dataDir.environmentName)) cannot be created: "
                        + String(cString: strerror(errno)).lowercased())
            }
        }
    }

    private static func makeDirectory(_ path: String) throws {
        var made = mkdir(path, 0o700) == 0
        if !made, errno == ENOENT {
            // Parents get the usual permissions: only the data folder itself is private.
            let parent = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            made = mkdir(path, 0o700) == 0
        }
        guard !made else { return }
        switch errno {
        case EEXIST:
            return  // made meanwhile by someone else
        case ENOTDIR:
            throw ConfigError(
                "the data folder \(path) (\(SettingKey.dataDir.environmentName)) cannot be created: "
                    + "a part of its path is a file, not a folder")
        case let code:
            throw failure(path, "cannot be created", code)
        }
    }

    /// Takes group and other permissions from the folder and from everything in it.
    private static func tighten(_ root: String, logger: Logger) {
        var info = stat()
        guard stat(root, &info) == 0 else { return }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            if chmod(root, 0o700) == 0 {
                logger.notice(
                    "the data folder was open to other users; it is now private",
                    metadata: ["path": "\(root)", "was": "\(octal(mode))", "now": "0700"])
            } else {
                logger.warning(
                    "the data folder is open to other users and cannot be made private",
                    metadata: ["path": "\(root)", "mode": "\(octal(mode))", "error": "\(String(cString: strerror(errno)))"])
            }
        }
        var tightened = 0
        var failed: [String] = []
        var pending = [root]
        while let folder = pending.popLast() {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names {
                let path = folder + "/" + name
                var entry = stat()
                guard lstat(path, &entry) == 0 else { continue }
                let kind = entry.st_mode & S_IFMT
                guard kind == S_IFDIR || kind == S_IFREG else { continue }  // links are not followed
                if kind == S_IFDIR { pending.append(path) }
                let mode = entry.st_mode & 0o7777
                guard mode & 0o077 != 0 else { continue }
                if chmod(path, mode & 0o700) == 0 {
                    tightened += 1
                } else {
                    failed.append(path)
                }
            }
        }
        if tightened > 0 {
            logger.notice(
                "files in the data folder were open to other users; they are now private",
                metadata: ["path": "\(root)", "count": "\(tightened)"])
        }
        if !failed.isEmpty {
            logger.warning(
                "files in the data folder are open to other users and cannot be made private",
                metadata: ["count": "\(failed.count)", "first": "\(failed[0])"])
        }
    }

    private static func failure(_ path: String, _ what: String, _ code: Int32) -> ConfigError {
        ConfigError(
            "the data folder \(path) (\(SettingKey.dataDir.environmentName)) \(what): \(String(cString: strerror(code)).lowercased())")
    }

    private static func octal(_ mode: mode_t) -> String {
        "0" + String(mode, radix: 8)
    }
}
