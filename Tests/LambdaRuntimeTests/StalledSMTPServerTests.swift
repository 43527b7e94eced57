import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("StalledSMTPServer: accepts connections and never speaks")
struct StalledSMTPServerTests {
    /// Connects to 127.0.0.1:`port` and reads for up to `wait`, on a thread of its own so that the
    /// blocking read holds none of the threads the tests share.
    static func connectAndRead(port: Int, wait: Duration) async -> (connected: Bool, bytes: Int, closed: Bool) {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: blockingConnectAndRead(port: port, wait: wait)) }.start()
        }
    }

    /// Whether the connection succeeded, how many bytes came, and whether the server closed it.
    static func blockingConnectAndRead(port: Int, wait: Duration) -> (connected: Bool, bytes: Int, closed: Bool) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return (false, 0, false) }
        defer { close(descriptor) }
        guard LoopbackPort.connectLoopback(descriptor, port: port) == 0 else { return (false, 0, false) }
        var timeout = timeval(tv_sec: .init(wait.components.seconds), tv_usec: .init(wait.components.attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        // -1 with EAGAIN: nothing arrived in time; 0: the server closed the connection.
        return (true, max(count, 0), count == 0)
    }

    @Test("a client is accepted, counted and hears nothing")
    func silent() async throws {
        let server = try await StalledSMTPServer.start()
        try await using(server, stop: { await $0.stop() }) { server in
            #expect(server.port > 0)
            let heard = await Self.connectAndRead(port: server.port, wait: .milliseconds(500))
            #expect(heard.connected)
            #expect(heard.bytes == 0, "the server sent \(heard.bytes) bytes")
            #expect(!heard.closed)
            try await eventually("the connection to be counted") { server.acceptedConnections == 1 }
        }
    }

    @Test("stop() closes a connection still open")
    func stopClosesConnections() async throws {
        let server = try await StalledSMTPServer.start()
        let heard = try await using(server, stop: { await $0.stop() }) { server in
            let port = server.port
            let reader = Task { await Self.connectAndRead(port: port, wait: .seconds(60)) }
            try await eventually("the connection to be accepted") { server.acceptedConnections == 1 }
            await server.stop()
            return await reader.value
        }
        #expect(heard.connected)
        #expect(heard.bytes == 0)
        #expect(heard.closed, "the connection was not closed by stop()")
    }
}
