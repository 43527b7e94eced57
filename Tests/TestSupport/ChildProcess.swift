import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, in place of Foundation's `Process` for the
/// programs the tests start (the relay, its peers, the emulator, openssl).
///
/// On Linux, `Process.run()` of the toolchain's Foundation reads every entry of `/proc/self/fd`
/// by copying the whole 256-byte `d_name` of each `dirent`, past the end of the record; when a
/// record ends glibc's buffer at an unmapped page the test process dies of SIGSEGV
/// (swift-corelibs-foundation #5472). A suite that starts hundreds of children hit it now and
/// then. This type spawns the same way (its own process group, the descriptors the test does not
/// hand over closed in the child) without that read, and adds what the tests want of a child:
/// an empty signal mask, whatever thread started it.
///
/// The API is the part of `Process` the tests use.
public final class ChildProcess: @unchecked Sendable {
    public var executableURL: URL?
    public var arguments: [String]?
    /// The child's whole environment; nil gives it the test process's.
    public var environment: [String: String]?
    public var currentDirectoryURL: URL?
    /// Where the child's standard streams go: a file (or `FileHandle.nullDevice`); nil inherits the test process's.
    public var standardInput: FileHandle?
    public var standardOutput: FileHandle?
    public var standardError: FileHandle?

    private struct State {
        var pid: pid_t = 0
        /// The raw wait status, once the child was reaped.
        var status: Int32?
    }

    private let state = Mutex(State())

    public init() {}

    public var processIdentifier: pid_t { state.withLock { $0.pid } }

    /// Whether the child has started and not yet ended; reaps it once it has.
    public var isRunning: Bool {
        state.withLock { state in
            guard state.pid > 0 else { return false }
            if state.status != nil { return false }
            var status: Int32 = 0
            let result = waitpid(state.pid, &status, WNOHANG)
            if result == state.pid {
                state.status = status
                return false
            }
            if result == 0 || errno == EINTR { return true }
            // ECHILD: not ours to reap any more; running while it exists, its status unknown.
            if kill(state.pid, 0) == 0 { return true }
            state.status = 0x7F00 | 0x7F  // neither an exit nor a signal: terminationStatus 127
            return false
        }
    }

    /// The exit status, or the number of the signal that ended the child.
    public var terminationStatus: Int32 {
        waitUntilExit()
        let status = state.withLock { $0.status } ?? 0
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : signal
    }

    /// Whether a signal ended the child.
    public var endedBySignal: Bool {
        waitUntilExit()
        let status = state.withLock { $0.status } ?? 0
        return status & 0x7F != 0
    }

    /// Sends SIGTERM.
    public func terminate() {
        let pid = processIdentifier
        if pid > 0, isRunning { kill(pid, SIGTERM) }
    }

    /// Waits until the child has ended (polls: the test's own time limits decide how long).
    public func waitUntilExit() {
        while isRunning {
            usleep(5_000)
        }
    }

    public func run() throws {
        guard let executable = executableURL?.path else { throw TestFailure("ChildProcess: no executable") }
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        for (stream, target) in [(standardInput, STDIN_FILENO), (standardOutput, STDOUT_FILENO), (standardError, STDERR_FILENO)] {
            guard let stream else { continue }
            if stream === FileHandle.nullDevice {
                let mode = target == STDIN_FILENO ? O_RDONLY : O_WRONLY
                try check(posix_spawn_file_actions_addopen(&fileActions, target, "/dev/null", mode, 0), "addopen")
            } else {
                try check(posix_spawn_file_actions_adddup2(&fileActions, stream.fileDescriptor, target), "adddup2")
            }
        }
        try closeInheritedDescriptors(&fileActions)
        if let directory = currentDirectoryURL?.path {
            guard let addchdir = Self.addchdir else { throw TestFailure("ChildProcess: posix_spawn cannot change the directory here") }
            try check(addchdir(&fileActions, directory), "addchdir")
        }

        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        try check(posix_spawnattr_setsigmask(&attributes, &emptyMask), "setsigmask")
        try check(posix_spawnattr_setpgroup(&attributes, 0), "setpgroup")
        try check(posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK)), "setflags")

        let argv = Self.cStrings([executable] + (arguments ?? []))
        defer { Self.release(argv) }
        let environment = self.environment ?? ProcessInfo.processInfo.environment
        let envp = Self.cStrings(environment.map { "\($0.key)=\($0.value)" })
        defer { Self.release(envp) }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &fileActions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestFailure("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        state.withLock { $0.pid = pid }
    }

    private func check(_ result: Int32, _ what: String) throws {
        guard result == 0 else { throw TestFailure("posix_spawn \(what): \(String(cString: strerror(result)))") }
    }

    /// Closes, in the child, every descriptor from 3 up: `posix_spawn_file_actions_addclosefrom_np`
    /// when glibc has it (2.34 and later), else each open one, listed from `/proc/self/fd`
    /// reading no more of a `dirent` than its name.
    private func closeInheritedDescriptors(_ fileActions: inout posix_spawn_file_actions_t) throws {
        if let closefrom = Self.addclosefrom {
            try check(closefrom(&fileActions, 3), "addclosefrom")
            return
        }
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            // The name where it lies, up to its NUL: never the whole 256-byte field.
            let name = String(cString: (UnsafeRawPointer(entry) + Self.nameOffset).assumingMemoryBound(to: CChar.self))
            if let descriptor = Int32(name), descriptor > 2 {
                _ = posix_spawn_file_actions_addclose(&fileActions, descriptor)
            }
        }
    }

    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19

    private typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc's GNU extensions, which its headers show Swift only under `_GNU_SOURCE`.
    private static let addclosefrom: AddClosefrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddClosefrom.self) }
    private static let addchdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: AddChdir.self) }

    private static func cStrings(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() {
            array[index] = strdup(string)
        }
        array[strings.count] = nil
        return array
    }

    private static func release(_ array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        var index = 0
        while let string = array[index] {
            free(string)
            index += 1
        }
        array.deallocate()
    }
}
