import Foundation
import MailKit
import Testing
import TestSupport

@testable import SMTPTransport

/// The transport's pool against aiosmtpd, which holds each DATA until several are held at once
/// (`--data-barrier`): only sends in flight together get past it.
@Suite("SMTP transport: a pool of connections")
struct ConnectionPoolTests {
    /// Sends `count` test emails at once through `transport`.
    static func sendAtOnce(_ count: Int, through transport: SMTPTransport) async throws -> [MailReceipt] {
        try await withThrowingTaskGroup(of: MailReceipt.self) { group in
            for number in 1...count {
                group.addTask { try await transport.send(testEmail(number)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("four connections carry four messages at once, and are reused for the next four")
    func fourAtOnce() async throws {
        try await SMTPTestServer.with(["--data-barrier", "4", "--quiet"]) { server in
            let receipts = try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none", maxConnections: 4) { transport in
                try await Self.sendAtOnce(8, through: transport)
            }
            #expect(receipts.count == 8)
            let events = try server.events()
            #expect(events.filter { $0.event == "barrier" }.map(\.held) == [4, 4], "four DATA commands in flight at once, twice")
            #expect(!events.contains { $0.event == "barrier-timeout" })
            #expect(try server.connectionCount() == 4, "no more connections than the pool's size")
            #expect(Set(try server.messages().map(\.connection)).count == 4)
        }
    }

    @Test("a pool of one sends one message at a time over one connection, as before")
    func poolOfOne() async throws {
        try await SMTPTestServer.with(["--quiet"]) { server in
            let receipts = try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none", maxConnections: 1) { transport in
                try await Self.sendAtOnce(5, through: transport)
            }
            #expect(receipts.count == 5)
            #expect(try server.connectionCount() == 1)
            #expect(try server.messages().count == 5)
        }
    }

    @Test("shutdown waits for the sends under way and says QUIT on every connection")
    func shutdownQuitsAll() async throws {
        try await SMTPTestServer.with(["--data-barrier", "3", "--quiet"]) { server in
            _ = try await withTransport("smtp://127.0.0.1:\(server.port)?tls=none", maxConnections: 3) { transport in
                try await Self.sendAtOnce(3, through: transport)
            }
            try await eventually("every connection said QUIT") {
                try server.events().filter { $0.event == "quit" }.count == 3
            }
        }
    }

    @Test("with a wrong password, four messages at once cost one failed login: the others wait for it and pause")
    func wrongPasswordOneLogin() async throws {
        let pki = try TestPKI.shared()
        let arguments = pki.tlsArguments + ["--auth-user", "relay@example.org", "--auth-password", "right"]
        try await SMTPTestServer.with(arguments) { server in
            let url = "smtp://relay%40example.org:WrongPassword@localhost:\(server.port)"
            let errors = try await withTransport(url, caFile: pki.caFile, maxConnections: 4) { transport in
                await withTaskGroup(of: MailTransportError?.self) { group in
                    for number in 1...4 {
                        group.addTask { await expectTransportError { _ = try await transport.send(testEmail(number)) } }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
            }
            #expect(errors.count == 4)
            #expect(errors.allSatisfy { $0?.kind == .suspended }, "\(errors)")
            #expect(try server.connectionCount() == 1, "one login tried, not one per message in flight")
        }
    }
}
