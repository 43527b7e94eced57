import Foundation

/// A self-signed certificate for `localhost` and `127.0.0.1`, made with the `openssl` tool in a
/// fresh folder; tests that need more than one make more.
public struct TestCertificate: Sendable {
    public let directory: URL
    public var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
    public var keyPath: String { directory.appendingPathComponent("key.pem").path }

    public static func make() async throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-receiver-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = TestCertificate(directory: directory)
        _ = try await PythonScript.run(executable: "openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "2",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", certificate.keyPath, "-out", certificate.certificatePath,
        ], timeout: .seconds(60))
        return certificate
    }

    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
