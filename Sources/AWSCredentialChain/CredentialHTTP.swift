import AsyncHTTPClient
import NIOCore

/// The HTTP clients the sources fetch with. Neither follows a redirect (a credential endpoint
/// that sends one elsewhere is refused, with its token not sent on), and the one for the
/// link-local endpoints gives up connecting after a second, so that a machine that is not on
/// EC2 finds out at once. They live as long as the process, as `HTTPClient.shared` does.
enum CredentialHTTP {
    /// For the container endpoint and the instance metadata service: 1 s to connect.
    static let local = client(connect: .seconds(1), read: .seconds(5))
    /// For STS: 5 s to connect.
    static let sts = client(connect: .seconds(5), read: .seconds(15))

    private static func client(connect: TimeAmount, read: TimeAmount) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: connect, read: read)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// The largest answer read: credentials are a few kilobytes.
    static let maximumAnswer = 1 << 16

    /// Sends `request` and reads the answer, or throws ``AWSCredentialError/Code/unreachable``
    /// saying `what` could not be reached (a timeout, a refused connection, a redirect).
    static func exchange(
        _ request: HTTPClientRequest, client: HTTPClient, timeout: Duration, source: AWSCredentialSourceKind, what: String
    ) async throws(AWSCredentialError) -> (status: Int, body: [UInt8]) {
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            let body = try await response.body.collect(upTo: maximumAnswer)
            return (Int(response.status.code), Array(buffer: body))
        } catch {
            throw AWSCredentialError(.unreachable, source, "\(what) could not be reached: \(error)")
        }
    }
}
