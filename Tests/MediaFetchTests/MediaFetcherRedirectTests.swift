import MediaFetch
import Testing
import TestSupport

@Suite("Following redirects", .mediaServer)
struct MediaFetcherRedirectTests {
    @Test("a redirect to a relative path on the trusted host is followed", arguments: ["/redirect/relative-target", "relative-target"])
    func relative(_ location: String) async throws {
        let server = try mediaServer()
        let from = "/redirect/relative-\(location.hasPrefix("/") ? "absolute-path" : "sibling")"
        try await server.redirect(from, to: location)
        try await server.serve("/redirect/relative-target", bytes: [7, 7, 7], contentType: "image/png")
        let download = try await makeFetcher(trusting: server.hostAndPort).fetch(server.url(from), maxBytes: 100).get()
        #expect(download.data == [7, 7, 7])
        #expect(download.finalURL == server.url("/redirect/relative-target"))
    }

    @Test("every redirect status is followed", arguments: [301, 302, 303, 307, 308])
    func statuses(_ status: Int) async throws {
        let server = try mediaServer()
        try await server.redirect("/redirect/status-\(status)", to: server.url("/redirect/status-\(status)-target"), status: status)
        try await server.serve("/redirect/status-\(status)-target", bytes: [UInt8(status & 0xFF)], contentType: nil)
        let download = try await makeFetcher(trusting: server.hostAndPort).fetch(server.url("/redirect/status-\(status)"), maxBytes: 100).get()
        #expect(download.data == [UInt8(status & 0xFF)])
    }

    @Test("a redirect to a forbidden address is refused after the first hop", arguments: [
        ("localhost-https", "https://localhost:PORT/redirect/target-localhost-https"),
        ("private-http", "http://10.0.0.1/redirect/target-private-http"),
        ("metadata", "https://169.254.169.254/latest/meta-data/"),
        ("loopback-other-port", "http://127.0.0.2:PORT/redirect/target-loopback-other-port"),
        ("ftp", "ftp://127.0.0.1:PORT/redirect/target-ftp"),
        ("userinfo", "http://u:hunter2secret@127.0.0.1:PORT/redirect/target-userinfo"),
    ])
    func forbiddenTarget(_ name: String, _ location: String) async throws {
        let server = try mediaServer()
        let target = location.replacingOccurrences(of: "PORT", with: "\(server.port)")
        try await server.redirect("/redirect/from-\(name)", to: target)
        try await server.serve("/redirect/target-\(name)", bytes: [1], contentType: nil)
        let failure = try #require(
            await makeFetcher(trusting: server.hostAndPort).fetch(server.url("/redirect/from-\(name)"), maxBytes: 100).failure
        )
        #expect(failure.kind == .refused, "\(failure)")
        #expect(failure.reason.contains("redirected there by \(server.url("/redirect/from-\(name)"))"), "\(failure)")
        #expect(!failure.reason.contains("hunter2secret"))
        #expect(try await server.hits("/redirect/from-\(name)") == 1)
        #expect(try await server.hits("/redirect/target-\(name)") == 0)
    }

    @Test("three redirects are followed; a fourth fails as permanent")
    func tooMany() async throws {
        let server = try mediaServer()
        for hop in 1...4 {
            try await server.redirect("/chain4/\(hop)", to: "/chain4/\(hop + 1)")
        }
        try await server.serve("/chain4/5", bytes: [5], contentType: nil)
        let failure = try #require(await makeFetcher(trusting: server.hostAndPort).fetch(server.url("/chain4/1"), maxBytes: 100).failure)
        #expect(failure.kind == .permanent)
        #expect(failure.reason.contains("after 3 redirects"))
        for hop in 1...4 {
            #expect(try await server.hits("/chain4/\(hop)") == 1)
        }
        #expect(try await server.hits("/chain4/5") == 0)

        for hop in 1...3 {
            try await server.redirect("/chain3/\(hop)", to: "/chain3/\(hop + 1)")
        }
        try await server.serve("/chain3/4", bytes: [4], contentType: nil)
        #expect(try await makeFetcher(trusting: server.hostAndPort).fetch(server.url("/chain3/1"), maxBytes: 100).get().data == [4])
    }

    @Test("a redirect without a usable Location is permanent")
    func badLocation() async throws {
        let server = try mediaServer()
        try await server.redirect("/redirect/bad-location", to: "http://[not-an-address/")
        let failure = try #require(await makeFetcher(trusting: server.hostAndPort).fetch(server.url("/redirect/bad-location"), maxBytes: 100).failure)
        #expect([.permanent, .refused].contains(failure.kind), "\(failure)")
    }
}
