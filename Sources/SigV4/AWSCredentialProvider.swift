/// Where a client gets the credentials it signs a request with, asked before every request.
///
/// A long-term key provides itself; temporary credentials from the platform (a web identity
/// token, the container endpoint, the instance metadata service) come from a provider that caches
/// them and fetches new ones before they expire.
public protocol AWSCredentialProvider: Sendable {
    /// Credentials valid for a request signed now.
    func credentials() async throws -> AWSCredentials
}

extension AWSCredentials: AWSCredentialProvider {
    /// Fixed credentials: themselves, always.
    public func credentials() async throws -> AWSCredentials { self }
}
