import Foundation
import MediaFetch
import Testing
import TestSupport

@Suite("TLS")
struct MediaFetcherTLSTests {
    /// A self-signed certificate for localhost and 127.0.0.1 (no system trusts it), as server arguments.
    func selfSigned(in folder: URL) async throws -> [String] {
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let result = try await ProcessRun(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ],
            timeout: .seconds(60)
        )
        guard result.status == 0 else { throw TestFailure("openssl failed: \(String(decoding: result.stderr, as: UTF8.self))") }
        return ["--tls-cert", certificate, "--tls-key", key]
    }

    @Test("a certificate no one vouches for fails the fetch as permanent, even from a trusted host")
    func untrustedCertificate() async throws {
        try await withTemporaryDirectory { folder in
            try await MediaTestServer.with(try await selfSigned(in: folder)) { server in
                let tlsPort = try #require(server.tlsPort)
                try await server.serve("/tls/photo.jpg", bytes: [1, 2, 3], contentType: "image/jpeg")
                let failure = try #require(
                    await makeFetcher(trusting: "127.0.0.1:\(tlsPort)").fetch("https://127.0.0.1:\(tlsPort)/tls/photo.jpg?Signature=c2VjcmV0", maxBytes: 100).failure
                )
                #expect(failure.kind == .permanent, "\(failure)")
                #expect(failure.reason.contains("TLS"), "\(failure)")
                #expect(!failure.reason.contains("c2VjcmV0"))
                #expect(try await server.hits("/tls/photo.jpg") == 0)
            }
        }
    }
}
