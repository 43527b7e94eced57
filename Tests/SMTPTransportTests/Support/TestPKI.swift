import TestSupport
import Foundation

/// A throw-away certificate authority and server certificates, made once per test run with the
/// `openssl` command-line tool.
///
/// - `caFile`: the CA the tests trust through `caFile:` (`SMSRELAY_SMTP_CA_FILE`).
/// - `serverCertificate`/`serverKey`: signed by that CA for `localhost` and `127.0.0.1`.
/// - `otherNameCertificate`/`otherNameKey`: signed by that CA, but only for `mail.other.example`.
struct TestPKI: Sendable {
    let directory: URL
    var caFile: String { path("ca.pem") }
    var serverCertificate: String { path("server.pem") }
    var serverKey: String { path("server.key") }
    var otherNameCertificate: String { path("other.pem") }
    var otherNameKey: String { path("other.key") }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Server arguments for `smtp_server.py` offering TLS with the localhost certificate.
    var tlsArguments: [String] { ["--tls-cert", serverCertificate, "--tls-key", serverKey] }

    static func shared() throws -> TestPKI {
        try made.get()
    }

    private static let made: Result<TestPKI, any Error> = Result { try make() }

    private static func make() throws -> TestPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pki = TestPKI(directory: directory)
        let ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + ecKey + [
            "-keyout", pki.path("ca.key"), "-out", pki.caFile, "-days", "2", "-subj", "/CN=SMSRelay Test CA",
        ])
        for (name, subject, names) in [
            ("server", "/CN=localhost", "DNS:localhost,IP:127.0.0.1"),
            ("other", "/CN=mail.other.example", "DNS:mail.other.example"),
        ] {
            let extensions = pki.path("\(name).ext")
            try Data("subjectAltName=\(names)\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n".utf8)
                .write(to: URL(fileURLWithPath: extensions))
            try openssl(["req"] + ecKey + ["-keyout", pki.path("\(name).key"), "-out", pki.path("\(name).csr"), "-subj", subject])
            try openssl([
                "x509", "-req", "-in", pki.path("\(name).csr"), "-CA", pki.caFile, "-CAkey", pki.path("ca.key"),
                "-CAcreateserial", "-out", pki.path("\(name).pem"), "-days", "2", "-extfile", extensions,
            ])
        }
        return pki
    }

    private static func openssl(_ arguments: [String]) throws {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("openssl-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        let message = (try? Data(contentsOf: errors)) ?? Data()
        guard process.terminationStatus == 0 else {
            throw TestFailure("openssl \(arguments.joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))")
        }
    }
}
