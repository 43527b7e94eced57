import Foundation
import Logging
@testable import S3Objects
import SigV4
import Testing
import TestSupport

@Suite("S3 client against moto's S3, signatures checked", .serialized, .motoServer)
struct S3ClientMotoTests {
    static let bucket = "smsrelay-replies-test"

    func client(_ moto: MotoServer, credentials: AWSCredentials? = nil) -> S3Client {
        S3Client(
            configuration: S3Configuration(
                credentials: credentials ?? moto.userCredentials, region: MotoServer.region, endpoint: URL(string: moto.endpoint)),
            logger: Logger(label: "test"))
    }

    @Test("an object reads back byte for byte, also under a key with spaces, and its tags are written and read")
    func objectAndTags() async throws {
        let moto = try #require(MotoServer.current)
        let bytes = Array("From: ann@example.com\r\nSubject: Re: hi\r\n\r\nhé\r\n".utf8) + [0, 255, 13, 10]
        for key in ["replies/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1", "replies/a key with spaces"] {
            try await moto.putObject(bucket: Self.bucket, key: key, bytes: bytes)
            let client = client(moto)
            #expect(try await client.object(bucket: Self.bucket, key: key, maxBytes: 1 << 20) == bytes)
            #expect(try await client.tags(bucket: Self.bucket, key: key).isEmpty)
            try await client.setTags(["smsrelay": "mdr2-abc sent:1"], bucket: Self.bucket, key: key)
            #expect(try await client.tags(bucket: Self.bucket, key: key) == ["smsrelay": "mdr2-abc sent:1"])
            #expect(try await moto.objectTags(bucket: Self.bucket, key: key) == ["smsrelay": "mdr2-abc sent:1"])
        }
        // Temporary credentials (a session token) sign as well.
        #expect(try await client(moto, credentials: moto.sessionCredentials)
            .object(bucket: Self.bucket, key: "replies/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1", maxBytes: 1 << 20) == bytes)
    }

    @Test("a missing object is notFound, a wrong key refused, a large object refused past the limit")
    func failures() async throws {
        let moto = try #require(MotoServer.current)
        try await moto.putObject(bucket: Self.bucket, key: "replies/big", bytes: Array(repeating: 65, count: 4096))
        let client = client(moto)
        await #expect(throws: S3Error.self) { try await client.object(bucket: Self.bucket, key: "replies/none", maxBytes: 10) }
        do {
            _ = try await client.object(bucket: Self.bucket, key: "replies/none", maxBytes: 10)
        } catch {
            #expect(error.kind == .notFound, "\(error)")
        }
        do {
            _ = try await client.object(bucket: Self.bucket, key: "replies/big", maxBytes: 100)
            Issue.record("a 4096-byte object was read with a 100-byte limit")
        } catch {
            #expect(error.kind == .refused)
            #expect(error.message.contains("larger than 100 bytes"), "\(error)")
        }
        let wrong = AWSCredentials(accessKeyID: moto.userCredentials.accessKeyID, secretAccessKey: "not-the-secret-key")
        do {
            _ = try await self.client(moto, credentials: wrong).object(bucket: Self.bucket, key: "replies/big", maxBytes: 1 << 20)
            Issue.record("a wrong secret key was accepted")
        } catch {
            #expect(error.kind == .refused, "\(error)")
            #expect(error.status == 403)
            #expect(!error.message.contains("not-the-secret-key"))
        }
    }

    @Test("without an endpoint, buckets are addressed virtual-hosted-style at S3's own host")
    func addressing() {
        let configuration = S3Configuration(
            credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret"), region: "eu-west-1")
        let address = configuration.address(bucket: "my-bucket", key: "replies/a b")
        #expect(address.origin == "https://my-bucket.s3.eu-west-1.amazonaws.com")
        #expect(address.path == "/replies/a%20b")
        let local = S3Configuration(
            credentials: configuration.credentials, region: "us-east-1", endpoint: URL(string: "http://127.0.0.1:5000/"))
        #expect(local.address(bucket: "b", key: "k").path == "/b/k")
        #expect(local.address(bucket: "b", key: "k").host == "127.0.0.1:5000")
    }
}
