import Foundation
import Logging
import SigV4

/// Temporary credentials from a source, cached and renewed before they expire.
///
/// Callers that need new credentials at the same time share one fetch. When a renewal fails
/// while the credentials in hand still work, they keep being used (a warning is logged, and the
/// next attempt waits ``retryPause``); expired credentials are never handed out: with nothing
/// usable in hand, the failure is thrown.
actor RefreshingCredentialProvider: AWSCredentialProvider, CustomStringConvertible {
    /// The source, for messages: `web identity (role arn:…)`.
    nonisolated let description: String
    private let fetcher: any CredentialFetcher
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var cached: CachedCredentials?
    private var refresh: Task<AWSCredentials, any Error>?
    /// After a failed renewal while the credentials in hand still work: no new attempt before this.
    private var quietUntil: Date?

    /// How long after a failed renewal the next is attempted, while the credentials in hand work.
    static let retryPause: TimeInterval = 30

    init(fetcher: any CredentialFetcher, description: String, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.fetcher = fetcher
        self.description = description
        self.logger = logger
        self.now = now
    }

    func credentials() async throws -> AWSCredentials {
        let time = now()
        if let cached {
            if cached.isFresh(at: time) { return cached.credentials }
            if cached.isUsable(at: time), let quietUntil, time < quietUntil { return cached.credentials }
        }
        let task: Task<AWSCredentials, any Error>
        if let refresh {
            task = refresh
        } else {
            let fetcher = fetcher
            // Owned by this provider and awaited by every caller that needs it.
            task = Task { try await fetcher.fetch() }
            refresh = task
        }
        let result = await task.result
        // The first caller back records the outcome; the others find it recorded.
        if refresh == task {
            refresh = nil
            record(result)
        }
        switch result {
        case .success(let credentials) where cached?.credentials == credentials:
            return credentials
        default:
            // Nothing new (a failure, or credentials that had already expired): the ones in hand while they work.
            if let cached, cached.isUsable(at: now()) { return cached.credentials }
            throw failure(result)
        }
    }

    private func record(_ result: Result<AWSCredentials, any Error>) {
        let time = now()
        let usableBefore = cached.map { $0.isUsable(at: time) } ?? false
        switch result {
        case .success(let credentials) where credentials.expiration.map({ time < $0 }) ?? true:
            cached = CachedCredentials(credentials, fetchedAt: time)
            quietUntil = nil
            logger.debug(
                "fetched AWS credentials",
                metadata: [
                    "access_key_id": "\(credentials.maskedAccessKeyID)",
                    "expiration": "\(credentials.expiration.map { $0.formatted(.iso8601) } ?? "none")",
                ])
        default:
            guard usableBefore, let cached else { return }
            quietUntil = time.addingTimeInterval(Self.retryPause)
            logger.warning(
                "could not renew the AWS credentials; using the current ones until they expire",
                metadata: [
                    "error": "\(failure(result))",
                    "expiration": "\(cached.credentials.expiration.map { $0.formatted(.iso8601) } ?? "none")",
                ])
        }
    }

    /// The error to report for a result that gave nothing usable.
    private func failure(_ result: Result<AWSCredentials, any Error>) -> any Error {
        switch result {
        case .success(let credentials):
            let expiry = credentials.expiration.map { $0.formatted(.iso8601) } ?? "?"
            return AWSCredentialError(
                .expired, fetcher.kind,
                "handed out credentials that expired at \(expiry) (this machine's clock says \(now().formatted(.iso8601))); check the clock")
        case .failure(let error):
            return error
        }
    }
}
