import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import SigV4

/// Reads objects from S3 and reads and writes their tags, signed with Signature Version 4.
///
/// Just what receiving mail through SES needs: SES stores each message as an object, the function
/// reads it, and a tag on the object remembers that it was handled. Every failure is an
/// ``S3Error`` saying whether a retry can help; none contains a credential. The credentials are
/// asked for before every request.
public struct S3Client: Sendable {
    public let configuration: S3Configuration
    private let httpClient: HTTPClient
    private let logger: Logger

    public init(configuration: S3Configuration, httpClient: HTTPClient = .shared, logger: Logger) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
    }

    /// The object's bytes.
    /// - Parameter maxBytes: a larger object is refused without reading all of it.
    public func object(bucket: String, key: String, maxBytes: Int) async throws(S3Error) -> [UInt8] {
        try await exchange("GET", bucket: bucket, key: key, query: "", body: [], maxBytes: maxBytes)
    }

    /// The object's tags.
    public func tags(bucket: String, key: String) async throws(S3Error) -> [String: String] {
        let body = try await exchange("GET", bucket: bucket, key: key, query: "tagging", body: [], maxBytes: 1 << 16)
        return S3XML.tags(in: String(decoding: body, as: UTF8.self))
    }

    /// Replaces the object's tags (S3 keeps at most 10).
    public func setTags(_ tags: [String: String], bucket: String, key: String) async throws(S3Error) {
        _ = try await exchange("PUT", bucket: bucket, key: key, query: "tagging", body: Array(S3XML.tagging(tags).utf8), maxBytes: 1 << 16)
    }

    private func exchange(
        _ method: String, bucket: String, key: String, query: String, body: [UInt8], maxBytes: Int
    ) async throws(S3Error) -> [UInt8] {
        let object = "s3://\(bucket)/\(key)\(query.isEmpty ? "" : "?\(query)")"
        let address = configuration.address(bucket: bucket, key: key)
        var headers: [(name: String, value: String)] = [("Host", address.host)]
        if !body.isEmpty {
            headers.append(("Content-Type", "application/xml"))
            headers.append(("Content-MD5", Data(Insecure.MD5.hash(data: body)).base64EncodedString()))
        }
        let credentials: AWSCredentials
        do {
            credentials = try await configuration.credentials.credentials()
        } catch {
            throw S3Error(.transient, "cannot get AWS credentials to sign the S3 request for \(object): \(error)")
        }
        let signer = SigV4Signer(credentials: credentials, region: configuration.region, service: "s3", options: .s3)
        let signed = signer.sign(
            SigV4Request(method: method, path: address.path, query: query, headers: headers, payload: .bytes(body)), at: Date())
        var request = HTTPClientRequest(url: address.origin + address.path + (query.isEmpty ? "" : "?\(query)"))
        request.method = .RAW(value: method)
        for field in signed.headers where field.name.lowercased() != "host" {
            request.headers.add(name: field.name, value: field.value)
        }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }

        let status: Int
        let bytes: [UInt8]
        do {
            let response = try await httpClient.execute(request, timeout: .init(configuration.requestTimeout))
            status = Int(response.status.code)
            let limit = (200..<300).contains(status) ? maxBytes : 1 << 16
            bytes = Array(buffer: try await response.body.collect(upTo: limit))
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw S3Error(.refused, "\(object) is larger than \(maxBytes) bytes")
        } catch {
            throw S3Error(.transient, "could not reach S3 for \(object): \(error)")
        }
        guard (200..<300).contains(status) else {
            let failure = S3Error.answer(status: status, body: bytes, object: object)
            logger.debug("S3 refused a request", metadata: ["status": "\(status)", "object": "\(object)"])
            throw failure
        }
        return bytes
    }
}
