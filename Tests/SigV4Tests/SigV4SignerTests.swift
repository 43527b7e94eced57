import Foundation
import Testing

@testable import SigV4

@Suite("SigV4 signer")
struct SigV4SignerTests {
    static let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    @Test("AWS's documented IAM ListUsers example gives its published signature and signing key")
    func iamExample() {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "iam")
        let signed = signer.sign(
            SigV4Request(
                method: "GET",
                path: "/",
                query: "Action=ListUsers&Version=2010-05-08",
                headers: [
                    ("Host", "iam.amazonaws.com"),
                    ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                ]
            ),
            at: Self.date
        )
        #expect(signed.signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
        let key = signer.signingKey(at: Self.date).withUnsafeBytes { Hex.encode($0) }
        #expect(key == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
        #expect(signed.headers.map(\.name) == ["Host", "Content-Type", "X-Amz-Date", "Authorization"])
    }

    @Test(
        "paths are encoded twice for most services and once for S3",
        arguments: [
            ("/my%20file/a b", SigV4Signer.Options.standard, "/my%2520file/a%20b"),
            ("/my%20file/a b", SigV4Signer.Options.s3, "/my%20file/a%20b"),
            ("/a//b/./c/../d", SigV4Signer.Options.standard, "/a/b/d"),
            ("/a//b/./c/../d", SigV4Signer.Options.s3, "/a//b/./c/../d"),
            ("/ሴ/$", SigV4Signer.Options.s3, "/%E1%88%B4/%24"),
            ("", SigV4Signer.Options.standard, "/"),
            ("/a/b/..", SigV4Signer.Options.standard, "/a/"),
        ]
    )
    func pathEncoding(path: String, options: SigV4Signer.Options, expected: String) {
        #expect(SigV4Canonical.uri(path, encoding: options.uriEncoding, normalizing: options.normalizesPath) == expected)
    }

    @Test(
        "query parameters are decoded, encoded strictly and sorted by name then value",
        arguments: [
            ("b=2&a=1", "a=1&b=2"),
            ("a=2&a=1&a", "a=&a=1&a=2"),
            ("q=a+b&r=x%20y&s=%7e", "q=a%2Bb&r=x%20y&s=~"),
            ("k=%zz", "k=%25zz"),
            ("", ""),
        ]
    )
    func queryEncoding(query: String, expected: String) {
        #expect(SigV4Canonical.query(query) == expected)
    }

    @Test("the S3 options sign the payload hash in x-amz-content-sha256")
    func contentSHA256() {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "s3", options: .s3)
        let signed = signer.sign(
            SigV4Request(method: "PUT", path: "/bucket/key", headers: [("Host", "s3.amazonaws.com")], payload: .unsigned),
            at: Self.date
        )
        #expect(signed.headers.contains { $0.name == "X-Amz-Content-SHA256" && $0.value == "UNSIGNED-PAYLOAD" })
        #expect(signed.authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"))
        #expect(signed.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD"))
    }

    @Test("temporary credentials add a signed x-amz-security-token, or an unsigned one when asked")
    func sessionToken() {
        let credentials = AWSCredentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token/+=")
        let request = SigV4Request(method: "POST", path: "/", headers: [("Host", "example.com")])
        let signed = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "ses").sign(request, at: Self.date)
        #expect(signed.headers.contains { $0.name == "X-Amz-Security-Token" && $0.value == "token/+=" })
        #expect(signed.authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))

        let after = SigV4Signer(
            credentials: credentials, region: "eu-west-1", service: "ses",
            options: .init(sessionTokenPlacement: .appendedAfterSigning)
        ).sign(request, at: Self.date)
        #expect(after.headers.map(\.name) == ["Host", "X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(after.authorization.contains("SignedHeaders=host;x-amz-date,"))
    }

    @Test("a caller's own Authorization and X-Amz-Date are replaced, not sent twice")
    func replacesReservedHeaders() {
        let signed = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "service").sign(
            SigV4Request(
                method: "GET", path: "/",
                headers: [("x-amz-date", "19990101T000000Z"), ("Host", "example.com"), ("authorization", "old"), ("X-AMZ-DATE", "x")]
            ),
            at: Self.date
        )
        #expect(signed.headers.map(\.name) == ["x-amz-date", "Host", "Authorization"])
        #expect(signed.headers[0].value == "20150830T123600Z")
    }

    @Test("repeated header names keep every value, in order, joined by commas")
    func repeatedHeaders() {
        let (block, signedHeaders) = SigV4Canonical.headers([("X-B", " 2 "), ("host", "h"), ("x-b", "1"), ("X-A", "a\t\t b")])
        #expect(block == "host:h\nx-a:a b\nx-b:2,1\n")
        #expect(signedHeaders == "host;x-a;x-b")
    }

    @Test(
        "x-amz-date and the scope's day are the UTC time of the request",
        arguments: [
            (0.0, "19700101T000000Z"),
            (951_825_599.9, "20000229T115959Z"),
            (1_709_251_199, "20240229T235959Z"),
            (4_102_444_800, "21000101T000000Z"),
            (-1, "19691231T235959Z"),
        ]
    )
    func timestamps(seconds: TimeInterval, expected: String) {
        let time = AMZDate(Date(timeIntervalSince1970: seconds))
        #expect(time.timestamp == expected)
        #expect(time.day == String(expected.prefix(8)))
    }

    @Test("credentials never show their secret or token when printed, dumped or interpolated")
    func redaction() {
        let credentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, credentials.debugDescription, "\(credentials)", String(reflecting: credentials), dumped] {
            #expect(!text.contains(credentials.secretAccessKey))
            #expect(!text.contains("FwoGZXIvYXdzEXAMPLETOKEN"))
            #expect(!text.contains("AKIAIOSFODNN7EXAMPLE"))
            #expect(text.contains("MPLE"))
        }
        #expect(credentials.maskedAccessKeyID == "****************MPLE")
    }
}
