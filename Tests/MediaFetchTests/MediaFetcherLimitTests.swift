import MediaFetch
import Testing
import TestSupport

@Suite("Size and time limits", .mediaServer)
struct MediaFetcherLimitTests {
    @Test("an item whose Content-Length is over the limit is refused without reading its body")
    func declaredTooLarge() async throws {
        let server = try mediaServer()
        try await server.slowBody("/limit/declared", totalBytes: 64 << 20, declareLength: true)
        let failure = try #require(await makeFetcher(trusting: server.hostAndPort).fetch(server.url("/limit/declared"), maxBytes: 256 << 10).failure)
        #expect(failure.kind == .tooLarge(limit: 256 << 10))
        #expect(failure.reason.contains("\(64 << 20) bytes"))
        #expect(try await server.bytesWritten("/limit/declared") < 16 << 20)
    }

    @Test("a chunked item is read only until it passes the limit")
    func streamedTooLarge() async throws {
        let server = try mediaServer()
        try await server.slowBody("/limit/chunked", totalBytes: 64 << 20, declareLength: false)
        let failure = try #require(await makeFetcher(trusting: server.hostAndPort).fetch(server.url("/limit/chunked"), maxBytes: 256 << 10).failure)
        #expect(failure.kind == .tooLarge(limit: 256 << 10))
        #expect(try await server.bytesWritten("/limit/chunked") < 16 << 20)
    }

    @Test("an item exactly at the limit arrives whole")
    func atLimit() async throws {
        let server = try mediaServer()
        try await server.slowBody("/limit/exact", totalBytes: 200 << 10, declareLength: false)
        let download = try await makeFetcher(trusting: server.hostAndPort).fetch(server.url("/limit/exact"), maxBytes: 200 << 10).get()
        #expect(download.data.count == 200 << 10)
    }

    @Test("a server that never answers fails as transient once the timeout passes")
    func timeout() async throws {
        let server = try mediaServer()
        try await server.hang("/limit/hang")
        let started = ContinuousClock.now
        let failure = try #require(
            await makeFetcher(trusting: server.hostAndPort, timeout: .seconds(1)).fetch(server.url("/limit/hang?Signature=c2VjcmV0"), maxBytes: 100).failure
        )
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(failure.kind == .transient)
        #expect(failure.reason.contains("within 1 s"), "\(failure)")
        #expect(!failure.reason.contains("c2VjcmV0"))
        #expect(try await server.hits("/limit/hang") <= 1, "one request, not retried (none when a loaded machine timed out while connecting)")
    }

    @Test("the timeout bounds the body too: a slow body over the time is cancelled")
    func slowBodyTimeout() async throws {
        let server = try mediaServer()
        try await server.slowBody("/limit/slow-body", totalBytes: 64 << 20, declareLength: true)
        let failure = try #require(
            await makeFetcher(trusting: server.hostAndPort, timeout: .seconds(1)).fetch(server.url("/limit/slow-body"), maxBytes: 128 << 20).failure
        )
        #expect(failure.kind == .transient, "\(failure)")
        #expect(try await server.bytesWritten("/limit/slow-body") < 32 << 20)
    }
}
