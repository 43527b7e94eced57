import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP connection to 127.0.0.1 that sends and reads raw bytes: for requests no HTTP client
/// would send, and for clients that stall. Non-blocking, polled with short sleeps, so that a
/// waiting test never holds a thread the server may need.
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32
    private var received: [UInt8] = []
    private(set) var isClosedByPeer = false

    /// Connects, waiting at most `timeout` for the server's kernel to take the connection.
    init(port: Int, timeout: Duration = .seconds(10)) async throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        if LoopbackPort.connectLoopback(descriptor, port: port) != 0 {
            guard errno == EINPROGRESS else {
                let code = errno
                close(descriptor)
                throw TestFailure("cannot connect to 127.0.0.1:\(port): errno \(code)")
            }
            let deadline = ContinuousClock.now + timeout
            while true {
                var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                if poll(&poller, 1, 0) > 0 { break }
                guard ContinuousClock.now < deadline else {
                    close(descriptor)
                    throw TestFailure("connecting to 127.0.0.1:\(port) took longer than \(timeout)")
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length)
            guard code == 0 else {
                close(descriptor)
                throw TestFailure("cannot connect to 127.0.0.1:\(port): errno \(code)")
            }
        }
    }

    deinit {
        close(descriptor)
    }

    /// Sends all of `text`, waiting while the server's receive buffer is full.
    func send(_ text: String, timeout: Duration = .seconds(30)) async throws {
        let bytes = Array(text.utf8)
        var sent = 0
        let deadline = ContinuousClock.now + timeout
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                sent += count
            } else if count < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                guard ContinuousClock.now < deadline else { throw TestFailure("sending timed out") }
                try await Task.sleep(for: .milliseconds(5))
            } else {
                throw TestFailure("send failed: errno \(errno)")
            }
        }
    }

    /// Reads what has arrived, without waiting; notes a close (EOF or reset) by the server.
    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !isClosedByPeer {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                received += buffer[..<count]
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                isClosedByPeer = true
            } else {
                return
            }
        }
    }

    /// Waits until the server closes the connection; returns everything it sent.
    func waitForClose(timeout: Duration) async throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while true {
            drain()
            if isClosedByPeer { return received }
            guard ContinuousClock.now < deadline else { throw TestFailure("the server kept the connection open for \(timeout)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Whether the server has closed the connection by now.
    func checkClosed() -> Bool {
        drain()
        return isClosedByPeer
    }

    /// Reads one response: its head, and a body of `Content-Length` bytes, or up to the close
    /// when it has none.
    func readResponse(timeout: Duration = .seconds(30)) async throws -> RawResponse {
        let deadline = ContinuousClock.now + timeout
        while true {
            drain()
            if let response = RawResponse(parsing: received, closed: isClosedByPeer) {
                received.removeFirst(response.length)
                return response
            }
            if isClosedByPeer {
                throw TestFailure("the server closed the connection before a whole response: \(String(decoding: received, as: UTF8.self))")
            }
            guard ContinuousClock.now < deadline else {
                throw TestFailure("no whole response within \(timeout): \(String(decoding: received, as: UTF8.self))")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// An HTTP/1.1 response as the bytes on the wire said it.
struct RawResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// How many of the received bytes it took.
    var length: Int

    init?(parsing bytes: [UInt8], closed: Bool) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let lines = String(decoding: bytes[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        self.status = status
        headers = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let bodyStart = headEnd + separator.count
        if let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }) {
            guard bytes.count >= bodyStart + length else { return nil }
            body = Array(bytes[bodyStart..<(bodyStart + length)])
        } else {
            guard closed else { return nil }
            body = Array(bytes[bodyStart...])
        }
        self.length = bodyStart + body.count
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as a JSON object, if it is one.
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }
}
