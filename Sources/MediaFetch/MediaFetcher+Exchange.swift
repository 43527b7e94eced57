import AsyncHTTPClient
import NIOCore

extension MediaFetcher {
    /// What one request came to.
    enum Hop: Sendable {
        case download(MediaDownload)
        case redirect(location: String, status: Int)
        case failure(MediaFetchFailure)
    }

    /// One GET of `target` from `address`, on a client of its own that is shut down afterwards.
    ///
    /// The client maps the host name to `address` (`dnsOverride`), so it connects to the address
    /// that was checked yet sends the name in SNI and `Host` and verifies the certificate for it.
    /// It follows no redirect, retries no connection (the caller's retry is later and knows why),
    /// decompresses nothing and uses no proxy.
    func exchange(_ target: FetchTarget, address: IPAddress, maxBytes: Int) async -> Hop {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(policy.connectTimeout)),
            proxy: nil,
            decompression: .disabled
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        if IPAddress(target.host) == nil {
            configuration.dnsOverride = [target.host: address.description]
        }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let hop = await exchange(target, on: client, maxBytes: maxBytes)
        try? await client.shutdown()
        return hop
    }

    private func exchange(_ target: FetchTarget, on client: HTTPClient, maxBytes: Int) async -> Hop {
        let shown = target.redacted
        var request = HTTPClientRequest(url: target.text)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: policy.userAgent)
        request.headers.add(name: "Accept", value: "*/*")
        if let credential = policy.credentials.first(where: { $0.applies(to: target) }) {
            request.headers.add(name: "Authorization", value: credential.authorization)
        }

        do {
            let response = try await client.execute(request, timeout: TimeAmount(policy.timeout))
            let status = Int(response.status.code)
            switch status {
            case 301, 302, 303, 307, 308:
                guard let location = response.headers.first(name: "Location")?.trimmingWhitespace(), !location.isEmpty else {
                    return .failure(MediaFetchFailure(.permanent, "\(shown) answered \(status), a redirect without a Location"))
                }
                return .redirect(location: location, status: status)
            case 200...299:
                break
            default:
                return .failure(.status(status, from: shown))
            }

            let declared = response.headers.first(name: "Content-Length").flatMap { Int($0.trimmingWhitespace()) }
            if let declared, declared > maxBytes {
                return .failure(MediaFetchFailure(
                    .tooLarge(limit: maxBytes),
                    "\(shown) is \(declared) bytes, more than the limit of \(maxBytes); not downloaded"
                ))
            }
            var data: [UInt8] = []
            data.reserveCapacity(declared ?? 0)
            for try await chunk in response.body {
                guard data.count + chunk.readableBytes <= maxBytes else {
                    return .failure(MediaFetchFailure(
                        .tooLarge(limit: maxBytes),
                        "\(shown) is more than the limit of \(maxBytes) bytes; stopped reading after \(data.count + chunk.readableBytes)"
                    ))
                }
                data.append(contentsOf: chunk.readableBytesView)
            }
            try Task.checkCancellation()  // a cancelled body stream may end as if complete
            let contentType = response.headers.first(name: "Content-Type")?.trimmingWhitespace()
            return .download(MediaDownload(data: data, contentType: contentType?.isEmpty == false ? contentType : nil, finalURL: target.text))
        } catch {
            return .failure(.error(error, fetching: shown, host: target.host, policy: policy))
        }
    }
}
