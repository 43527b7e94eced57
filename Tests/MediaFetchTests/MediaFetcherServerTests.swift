import MediaFetch
import Testing
import TestSupport

@Suite("Fetching from a real server", .mediaServer)
struct MediaFetcherServerTests {
    @Test("a trusted server's JPEG arrives byte for byte, with its content type")
    func servesJPEG() async throws {
        let server = try mediaServer()
        let photo = try TestMedia.bytes("photo.jpg")
        try await server.serve("/serve/photo.jpg", bytes: photo, contentType: "image/jpeg")
        let download = try await makeFetcher(trusting: server.hostAndPort).fetch(server.url("/serve/photo.jpg?Signature=abc"), maxBytes: 1 << 20).get()
        #expect(download.data == photo)
        #expect(download.contentType == "image/jpeg")
        #expect(download.finalURL == server.url("/serve/photo.jpg?Signature=abc"))
        #expect(try await server.hits("/serve/photo.jpg") == 1)
    }

    @Test("the content type keeps its parameters; none sent is nil")
    func contentTypes() async throws {
        let server = try mediaServer()
        let card = try TestMedia.bytes("contact.vcf")
        try await server.serve("/serve/contact.vcf", bytes: card, contentType: "text/vcard; charset=utf-8")
        try await server.serve("/serve/untyped", bytes: [1, 2, 3], contentType: nil)
        let fetcher = try makeFetcher(trusting: server.hostAndPort)
        #expect(try await fetcher.fetch(server.url("/serve/contact.vcf"), maxBytes: 1 << 20).get().contentType == "text/vcard; charset=utf-8")
        let untyped = try await fetcher.fetch(server.url("/serve/untyped"), maxBytes: 1 << 20).get()
        #expect(untyped.data == [1, 2, 3])
        #expect(untyped.contentType == nil)
    }

    @Test("the request carries our User-Agent and Accept, and no Authorization or Cookie")
    func headers() async throws {
        let server = try mediaServer()
        try await server.serve("/headers/diagram.png", bytes: try TestMedia.bytes("diagram.png"), contentType: "image/png")
        _ = try await makeFetcher(trusting: server.hostAndPort).fetch(server.url("/headers/diagram.png"), maxBytes: 1 << 20).get()
        let request = try #require(try await server.requests().last { $0.path == "/headers/diagram.png" })
        #expect(request.method == "GET")
        #expect(request.header("User-Agent") == ["smsrelay/9.9.9-test"])
        #expect(request.header("Accept") == ["*/*"])
        #expect(request.header("Authorization").isEmpty)
        #expect(request.header("Cookie").isEmpty)
        #expect(request.header("Proxy-Authorization").isEmpty)
    }

    @Test("the server on the loopback is refused when not trusted, and sees no request", arguments: [
        ("https", "127.0.0.1"), ("http", "127.0.0.1"), ("https", "localhost"), ("http", "localhost"),
    ])
    func untrustedLoopback(_ scheme: String, _ host: String) async throws {
        let server = try mediaServer()
        let path = "/untrusted/\(scheme)-\(host)"
        try await server.serve(path, bytes: [1], contentType: "image/gif")
        let failure = try #require(await makeFetcher().fetch(server.url(path, scheme: scheme, host: host), maxBytes: 100).failure)
        #expect(failure.kind == .refused, "\(failure)")
        #expect(try await server.hits(path) == 0)
    }

    @Test("trusting another port of the same host does not trust this one")
    func trustIsPerPort() async throws {
        let server = try mediaServer()
        try await server.serve("/port/a", bytes: [1], contentType: nil)
        let failure = try #require(await makeFetcher(trusting: "127.0.0.1:\(server.port == 1 ? 2 : 1)").fetch(server.url("/port/a"), maxBytes: 100).failure)
        #expect(failure.kind == .refused)
        #expect(try await server.hits("/port/a") == 0)
    }

    @Test("the connection goes to the address that was checked, with the name in Host")
    func connectsToCheckedAddress() async throws {
        let server = try mediaServer()
        try await server.serve("/pinned/a.gif", bytes: try TestMedia.bytes("animation.gif"), contentType: "image/gif")
        // No DNS server knows media.example.test: only the address the fetcher checked reaches the server.
        let fetcher = try makeFetcher(
            trusting: "media.example.test:\(server.port)",
            resolver: FixedResolver(answers: ["media.example.test": ["127.0.0.1"]])
        )
        let download = try await fetcher.fetch("http://media.example.test:\(server.port)/pinned/a.gif", maxBytes: 1 << 20).get()
        #expect(download.data == (try TestMedia.bytes("animation.gif")))
        let request = try #require(try await server.requests().last { $0.path == "/pinned/a.gif" })
        #expect(request.header("Host") == ["media.example.test:\(server.port)"])
    }

    @Test("a 4xx is permanent, a 5xx, 408 or 429 transient, and the reason hides the query", arguments: [
        (404, false), (403, false), (410, false), (500, true), (502, true), (503, true), (408, true), (429, true), (300, false), (304, false),
    ])
    func statuses(_ status: Int, _ transient: Bool) async throws {
        let server = try mediaServer()
        let path = "/status/\(status)"
        try await server.respond(path, status: status)
        let failure = try #require(
            await makeFetcher(trusting: server.hostAndPort).fetch(server.url(path + "?Signature=c2VjcmV0"), maxBytes: 100).failure
        )
        #expect(failure.kind == (transient ? .transient : .permanent), "\(failure)")
        #expect(failure.reason.contains("answered \(status)"))
        #expect(!failure.reason.contains("c2VjcmV0"))
        #expect(!failure.reason.contains("Signature"))
    }

    @Test("a server failing once gives a transient failure, then the item")
    func failsFirst() async throws {
        let server = try mediaServer()
        try await server.serve("/flaky/photo.jpg", bytes: try TestMedia.bytes("photo.jpg"), contentType: "image/jpeg", failFirst: 1, failStatus: 503)
        let fetcher = try makeFetcher(trusting: server.hostAndPort)
        #expect(await fetcher.fetch(server.url("/flaky/photo.jpg"), maxBytes: 1 << 20).failure?.kind == .transient)
        #expect(try await fetcher.fetch(server.url("/flaky/photo.jpg"), maxBytes: 1 << 20).get().data == (try TestMedia.bytes("photo.jpg")))
    }

    @Test("a refused connection is transient")
    func connectionRefused() async throws {
        // Down, and staying down: the port is held by a socket that refuses connections.
        let down = try LoopbackPort.refusing()
        defer { down.close() }
        let port = down.port
        let failure = try #require(
            await makeFetcher(trusting: "127.0.0.1:\(port)", connectTimeout: .seconds(5)).fetch("http://127.0.0.1:\(port)/x", maxBytes: 100).failure
        )
        #expect(failure.kind == .transient, "\(failure)")
    }
}
