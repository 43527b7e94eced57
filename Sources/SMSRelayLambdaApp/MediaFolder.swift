import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Downloaded MMS media in the data folder, each file named by the SHA-256 of its bytes: the same
/// picture twice is one file, and a name says nothing of the message. The folder is 0700 and
/// every file 0600; a file appears whole or not at all (written aside, synced, then renamed).
public struct MediaFolder: Sendable {
    public let url: URL

    /// The folder `media` in the data folder; created (0700) when missing.
    public init(dataDirectory: URL) throws {
        url = dataDirectory.appendingPathComponent("media")
        if mkdir(url.path, 0o700) != 0, errno != EEXIST {
            throw ConfigError("cannot create the media folder \(url.path): \(Self.errnoText())")
        }
    }

    /// The lowercase hex SHA-256 of `data`: its file name here.
    public static func name(of data: [UInt8]) -> String {
        SHA256Hex.of(data)
    }

    /// Stores `data` (once) and returns its name.
    @discardableResult
    public func store(_ data: [UInt8]) throws -> String {
        let name = Self.name(of: data)
        let path = url.appendingPathComponent(name).path
        if access(path, F_OK) == 0 { return name }
        let temporary = url.appendingPathComponent(".\(name).\(UUID().uuidString).part").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw MediaFolderError("cannot create \(temporary): \(Self.errnoText())") }
        var written = 0
        var failure: String?
        data.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = Self.errnoText()
                    return
                }
                written += result
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = Self.errnoText() }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = Self.errnoText() }
        if let failure {
            unlink(temporary)
            throw MediaFolderError("cannot store a downloaded media file in \(url.path): \(failure)")
        }
        let folder = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
        return name
    }

    /// Whether a file is stored under `name`.
    public func contains(_ name: String) -> Bool {
        Self.isName(name) && FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path)
    }

    /// The bytes stored under `name`, or nil when there is no such file.
    public func read(_ name: String) throws -> [UInt8]? {
        guard Self.isName(name) else { return nil }
        let file = url.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        do {
            return Array(try Data(contentsOf: file))
        } catch {
            throw MediaFolderError("cannot read the downloaded media file \(file.path): \(error.localizedDescription)")
        }
    }

    /// Removes the files named; a missing one is not an error.
    public func remove(_ names: some Sequence<String>) {
        for name in names where Self.isName(name) {
            unlink(url.appendingPathComponent(name).path)
        }
    }

    /// Whether `name` is 64 lowercase hex digits, so that no stored name can reach outside the folder.
    package static func isName(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno)).lowercased()
    }
}

/// A media file could not be written or read: the download is tried again later.
public struct MediaFolderError: Error, CustomStringConvertible {
    public var description: String

    package init(_ description: String) {
        self.description = description
    }
}
