import Crypto
import Foundation

/// Signs HTTP requests with AWS Signature Version 4 (`AWS4-HMAC-SHA256`) in the
/// `Authorization` header.
///
/// ```swift
/// let signer = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "ses")
/// let signed = signer.sign(SigV4Request(method: "POST", path: "/v2/email/outbound-emails",
///                                       headers: [("host", "email.eu-west-1.amazonaws.com")],
///                                       payload: .bytes(body)), at: .now)
/// // send signed.headers
/// ```
public struct SigV4Signer: Sendable {
    public let credentials: AWSCredentials
    /// The region the request is for, e.g. `us-east-1`.
    public let region: String
    /// The signing name of the service, e.g. `ses` for both SES APIs, `s3`, `sts`.
    public let service: String
    public let options: Options

    public init(credentials: AWSCredentials, region: String, service: String, options: Options = .standard) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
    }

    /// Signs `request` as made at `date`.
    ///
    /// The result's ``SigV4Signature/headers`` are what to send: the request's own headers with
    /// `X-Amz-Date`, `X-Amz-Security-Token` (temporary credentials), `X-Amz-Content-SHA256` (when
    /// the options ask for it) and `Authorization` set. A field of one of those names already in
    /// the request is given the signer's value where it stands, so the request's order is kept.
    public func sign(_ request: SigV4Request, at date: Date) -> SigV4Signature {
        let time = AMZDate(date)
        var headers = request.headers
        headers.removeFields(named: "authorization")
        headers.setField("X-Amz-Date", to: time.timestamp)
        let payloadHash = Self.payloadHash(request.payload)
        if options.addsContentSHA256Header {
            headers.setField("X-Amz-Content-SHA256", to: payloadHash)
        }
        var unsignedToken: String?
        if let token = credentials.sessionToken {
            switch options.sessionTokenPlacement {
            case .signed:
                headers.setField("X-Amz-Security-Token", to: token)
            case .appendedAfterSigning:
                headers.removeFields(named: "x-amz-security-token")
                unsignedToken = token
            }
        }

        let canonical = Self.canonicalRequest(
            method: request.method,
            canonicalURI: SigV4Canonical.uri(request.path, encoding: options.uriEncoding, normalizing: options.normalizesPath),
            canonicalQuery: SigV4Canonical.query(request.query),
            headers: headers,
            payloadHash: payloadHash
        )
        let stringToSign = stringToSign(canonicalRequest: canonical.text, at: date)
        let signature = signature(stringToSign: stringToSign, at: date)
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(credentialScope(at: date)), "
            + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"

        if let unsignedToken {
            headers.append((name: "X-Amz-Security-Token", value: unsignedToken))
        }
        headers.append((name: "Authorization", value: authorization))
        return SigV4Signature(
            canonicalRequest: canonical.text,
            stringToSign: stringToSign,
            signature: signature,
            authorization: authorization,
            headers: headers
        )
    }

    /// The canonical request of `request` as made at `date`: the text whose hash is signed.
    public func canonicalRequest(for request: SigV4Request, at date: Date) -> String {
        sign(request, at: date).canonicalRequest
    }

    /// `yyyymmdd/region/service/aws4_request`.
    public func credentialScope(at date: Date) -> String {
        "\(AMZDate(date).day)/\(region)/\(service)/aws4_request"
    }

    /// The string to sign: the algorithm, the time, the credential scope and the hash of the canonical request.
    public func stringToSign(canonicalRequest: String, at date: Date) -> String {
        [
            "AWS4-HMAC-SHA256",
            AMZDate(date).timestamp,
            credentialScope(at: date),
            Hex.encode(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
    }

    /// The hex HMAC-SHA256 of `stringToSign` under the key derived for this day, region and service.
    public func signature(stringToSign: String, at date: Date) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(at: date)))
    }

    /// The signing key: the secret, chained through HMACs of the day, region, service and `aws4_request`.
    func signingKey(at date: Date) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [AMZDate(date).day, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    static func canonicalRequest(
        method: String,
        canonicalURI: String,
        canonicalQuery: String,
        headers: [(name: String, value: String)],
        payloadHash: String
    ) -> (text: String, signedHeaders: String) {
        let canonicalHeaders = SigV4Canonical.headers(headers)
        let text = [
            method,
            canonicalURI,
            canonicalQuery,
            canonicalHeaders.block,
            canonicalHeaders.signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        return (text, canonicalHeaders.signedHeaders)
    }

    static func payloadHash(_ payload: SigV4Request.Payload) -> String {
        switch payload {
        case .bytes(let bytes): Hex.encode(SHA256.hash(data: bytes))
        case .sha256(let hash): hash
        case .unsigned: "UNSIGNED-PAYLOAD"
        }
    }
}
