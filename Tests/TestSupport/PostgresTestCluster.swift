import Foundation
import Testing

/// A private PostgreSQL cluster (`postgres_cluster.py`): initdb into a temporary folder, a
/// loopback port, TLS only, stopped and removed with the suite. Never the system service.
public final class PostgresTestCluster: Sendable {
    /// The cluster the current suite shares (see ``PostgresClusterTrait``).
    @TaskLocal public static var current: PostgresTestCluster?

    public static let user = "smsrelay"
    public let password: String
    public let port: Int
    private let peer: PythonPeer

    /// The server's self-signed certificate, the root for `sslmode=verify-full`.
    public var rootCertificatePath: String { peer.directory.appendingPathComponent("root.crt").path }

    private init(peer: PythonPeer, password: String) {
        self.peer = peer
        self.password = password
        port = peer.readyNumbers[0]
    }

    public static func start() async throws -> PostgresTestCluster {
        // Characters that must be percent-encoded in a URL, so that the decoding is exercised.
        let password = "pw:\(UUID().uuidString.prefix(8))@/%"
        let peer = try await PythonPeer.start(
            "postgres_cluster.py", prefix: "postgres-cluster",
            advice: "PostgreSQL comes from apt install postgresql (scripts/test.sh installs it)"
        ) { folder in [folder.path, password] }
        return PostgresTestCluster(peer: peer, password: password)
    }

    public func stop() async {
        await peer.stop()
    }

    /// A `postgres://` URL of `database` on this cluster.
    public func url(database: String, query: String = "sslmode=require") -> String {
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        return "postgres://\(Self.user):\(encoded)@127.0.0.1:\(port)/\(database)\(query.isEmpty ? "" : "?" + query)"
    }

    /// Creates an empty database of its own for one test and returns its name.
    public func makeDatabase() async throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await psql("CREATE DATABASE \(name)")
        return name
    }

    /// Runs one SQL command with `psql` as the superuser.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") async throws -> String {
        let printed = try await PythonScript.run(
            executable: "psql", [url(database: database), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql],
            timeout: .seconds(60))
        return String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Gives a suite one PostgreSQL cluster, started before its first test and stopped after its last.
public struct PostgresClusterTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public init() {}

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let cluster = try await PostgresTestCluster.start()
        do {
            try await PostgresTestCluster.$current.withValue(cluster) {
                try await function()
            }
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }
}

extension Trait where Self == PostgresClusterTrait {
    /// Runs the suite against its own private PostgreSQL cluster.
    public static var postgresCluster: Self { Self() }
}
