import Logging
import MediaFetch
import Testing
import TestSupport

@Suite("Carrier credentials for media", .mediaServer)
struct MediaCredentialTests {
    func fetcher(_ server: MediaTestServer, credentials: [MediaCredential]) throws -> MediaFetcher {
        let policy = MediaFetchPolicy(
            userAgent: "smsrelay/9.9.9-test",
            trustedHosts: try TrustedHosts(parsing: "\(server.hostAndPort),localhost:\(server.port)"),
            credentials: credentials)
        return MediaFetcher(policy: policy, logger: Logger(label: "media-credential-test"))
    }

    @Test("the credentials go to their own host and port only: not to another name, another port, nor after a redirect")
    func onlyToTheirHost() async throws {
        let server = try mediaServer()
        let credential = MediaCredential(host: "127.0.0.1", port: server.port, username: "api-user", password: "api-password")
        let other = MediaCredential(host: "127.0.0.1", port: server.port == 1 ? 2 : server.port - 1, username: "x", password: "y")
        #expect(!"\(credential)".contains("api-password"))
        try await server.serve("/credential/own", bytes: [1], contentType: "image/png")
        try await server.serve("/credential/other-name", bytes: [2], contentType: "image/png")
        try await server.redirect("/credential/redirect", to: "http://localhost:\(server.port)/credential/after-redirect")
        try await server.serve("/credential/after-redirect", bytes: [3], contentType: "image/png")

        let fetcher = try fetcher(server, credentials: [credential])
        #expect(try await fetcher.fetch(server.url("/credential/own"), maxBytes: 10).get().data == [1])
        #expect(try await fetcher.fetch(server.url("/credential/other-name", host: "localhost"), maxBytes: 10).get().data == [2])
        #expect(try await fetcher.fetch(server.url("/credential/redirect"), maxBytes: 10).get().data == [3])
        _ = try await self.fetcher(server, credentials: [other]).fetch(server.url("/credential/own"), maxBytes: 10).get()

        let requests = try await server.requests().filter { $0.path.hasPrefix("/credential/") }
        func authorizations(_ path: String) -> [[String]] {
            requests.filter { $0.path == path }.map { $0.header("Authorization") }
        }
        let basic = "Basic YXBpLXVzZXI6YXBpLXBhc3N3b3Jk"  // api-user:api-password
        #expect(authorizations("/credential/own") == [[basic], []])
        #expect(authorizations("/credential/other-name") == [[]])
        #expect(authorizations("/credential/redirect") == [[basic]])
        #expect(authorizations("/credential/after-redirect") == [[]])
    }
}
