import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A start-up that cannot succeed ends with one line naming what to change.
@Suite("Start-up errors name the setting and the value")
struct StartupErrorTests {
    /// A socket listening on 127.0.0.1 at a free port, for as long as `body` runs.
    static func withOccupiedPort<T>(_ body: (Int) async throws -> T) async throws -> T {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 8) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard listening else { throw TestFailure("cannot listen on 127.0.0.1:0: errno \(errno)") }
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test("a port in use stops serve with `cannot listen on 127.0.0.1:<port> (SMSRELAY_PORT): address already in use`")
    func portInUse() async throws {
        try await withTemporaryDirectory { dir in
            try await Self.withOccupiedPort { port in
                let result = try await CommandRun(["serve", "--host", "127.0.0.1", "--port", "\(port)", "--data-dir", dir.path])
                #expect(result.status != 0)
                #expect(
                    result.stderr.contains("Error: cannot listen on 127.0.0.1:\(port) (SMSRELAY_PORT): address already in use"),
                    "\(result.stderr)")
                #expect(!result.stderr.contains("bind(descriptor"), "\(result.stderr)")
            }
        }
    }

    @Test("a data folder that is a file stops serve with one line saying so")
    func dataFolderIsAFile() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("not-a-folder")
            try Data("x".utf8).write(to: file)
            let result = try await CommandRun(["serve", "--port", "0", "--data-dir", file.path])
            #expect(result.status != 0)
            let lines = result.stderr.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(
                lines.first == "Error: the data folder \(file.path) (SMSRELAY_DATA_DIR) is a file, not a folder; choose another path or move the file away")
            #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        }
    }
}
