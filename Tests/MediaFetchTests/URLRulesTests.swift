import MediaFetch
import Testing

@Suite("URL rules: refused before anything connects")
struct URLRulesTests {
    @Test("only https is fetched from an untrusted host", arguments: [
        "http://media.example.com/a.jpg", "ftp://media.example.com/a.jpg", "file:///etc/passwd", "gopher://media.example.com/",
        "data:image/png;base64,AAAA", "javascript:alert(1)",
    ])
    func schemes(_ url: String) async throws {
        let failure = try #require(await makeFetcher().fetch(url, maxBytes: 1000).failure)
        #expect(failure.kind == .refused, "\(failure)")
    }

    @Test("a URL with a user name or password is refused", arguments: [
        "https://user:pass@media.example.com/a.jpg", "https://user@media.example.com/a.jpg", "https://@media.example.com/a.jpg",
    ])
    func userinfo(_ url: String) async throws {
        let failure = try #require(await makeFetcher().fetch(url, maxBytes: 1000).failure)
        #expect(failure.kind == .refused)
        #expect(failure.reason.contains("user name or password"))
        #expect(!failure.reason.contains("pass@"))
        #expect(!failure.reason.contains("user"  + ":"))
    }

    @Test("what is not an absolute URL with a host is refused", arguments: [
        "", "media.example.com/a.jpg", "/a.jpg", "https:///a.jpg", "https://exa mple.com/", "https://media.example.com:99999/",
    ])
    func malformed(_ url: String) async throws {
        let failure = try #require(await makeFetcher().fetch(url, maxBytes: 1000).failure)
        #expect(failure.kind == .refused, "\(failure)")
    }

    @Test("an address literal is judged without DNS and refused without connecting", arguments: [
        "https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/x", "https://[::1]/x", "https://[fd00::1]:8443/x",
        "https://[::ffff:127.0.0.1]/x", "https://0.0.0.0/x", "https://192.168.1.1/x", "https://10%2E0.0.1/x",
    ])
    func literals(_ url: String) async throws {
        let failure = try #require(await makeFetcher().fetch(url, maxBytes: 1000).failure)
        #expect(failure.kind == .refused, "\(failure)")
        #expect(failure.reason.hasPrefix("refused to fetch "))
    }

    @Test("the cloud metadata address is refused with a reason that says so")
    func metadata() async throws {
        let failure = try #require(await makeFetcher().fetch("https://169.254.169.254/latest/meta-data/iam/", maxBytes: 1000).failure)
        #expect(failure.reason == "refused to fetch https://169.254.169.254/latest/meta-data/iam/: 169.254.169.254 is in 169.254.0.0/16, the link-local range, where cloud metadata lives")
    }

    @Test("a name is refused when any address it resolves to is forbidden")
    func everyAddressChecked() async throws {
        let resolver = FixedResolver(answers: [
            "private.example.test": ["10.0.0.7"],
            "mixed.example.test": ["93.184.215.14", "2606:4700::1111", "192.168.0.10"],
            "mapped.example.test": ["::ffff:169.254.169.254"],
        ])
        let fetcher = try makeFetcher(resolver: resolver)
        let privateOne = try #require(await fetcher.fetch("https://private.example.test/a.jpg", maxBytes: 1000).failure)
        #expect(privateOne.kind == .refused)
        #expect(privateOne.reason == "refused to fetch https://private.example.test/a.jpg: private.example.test resolves to 10.0.0.7, which is in 10.0.0.0/8, a private address (RFC 1918)")
        let mixed = try #require(await fetcher.fetch("https://mixed.example.test/a.jpg", maxBytes: 1000).failure)
        #expect(mixed.kind == .refused)
        #expect(mixed.reason.contains("192.168.0.10"))
        let mapped = try #require(await fetcher.fetch("https://mapped.example.test/a.jpg", maxBytes: 1000).failure)
        #expect(mapped.kind == .refused)
        #expect(mapped.reason.contains("cloud metadata"))
    }

    @Test("a name that does not resolve is permanent; a DNS server that does not answer is transient")
    func resolutionFailures() async throws {
        let missing = try #require(await makeFetcher(resolver: FixedResolver(answers: [:])).fetch("https://gone.example.test/a", maxBytes: 10).failure)
        #expect(missing.kind == .permanent)
        #expect(missing.reason.contains("gone.example.test does not resolve"))
        let flaky = try #require(
            await makeFetcher(resolver: FixedResolver(answers: [:], temporaryFailure: true)).fetch("https://flaky.example.test/a", maxBytes: 10).failure
        )
        #expect(flaky.kind == .transient)
    }

    @Test("the system resolver finds localhost on the loopback, and the fetcher refuses it")
    func systemResolver() async throws {
        let addresses = try await SystemHostResolver().addresses(of: "localhost")
        #expect(!addresses.isEmpty)
        #expect(addresses.allSatisfy { AddressPolicy.check($0) != nil }, "\(addresses)")
        let failure = try #require(await makeFetcher().fetch("https://localhost/x", maxBytes: 10).failure)
        #expect(failure.kind == .refused)
        #expect(failure.reason.contains("localhost resolves to"))
    }

    @Test("no reason shows the query or the password of the URL", arguments: [
        "http://10.0.0.1/x?AWSAccessKeyId=AKIAEXAMPLE&Expires=1700000000&Signature=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D",
        "https://10.0.0.1/x?AWSAccessKeyId=AKIAEXAMPLE&Expires=1700000000&Signature=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D",
        "https://u:s3cretpassword@media.example.com/x?Signature=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D",
        "ftp://media.example.com/x?Signature=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D",
    ])
    func noSecretsInReasons(_ url: String) async throws {
        let failure = try #require(await makeFetcher().fetch(url, maxBytes: 10).failure)
        for secret in ["Signature", "AKIAEXAMPLE", "c2VjcmV0", "s3cretpassword", "?"] {
            #expect(!failure.reason.contains(secret), "\(failure.reason)")
        }
    }

    @Test("a URL is shown as scheme://host[:port]/path only", arguments: [
        ("https://mms-media-prod.s3.amazonaws.com/abc/photo.jpg?AWSAccessKeyId=AK&Expires=1&Signature=x", "https://mms-media-prod.s3.amazonaws.com/abc/photo.jpg"),
        ("HTTPS://user:pw@Host.example:8443/a%20b?q=1#frag", "https://Host.example:8443/a%20b"),
        ("https://[::1]:8443/x?y", "https://[::1]:8443/x"),
        ("https://media.example.com", "https://media.example.com/"),
        ("not a url", "(not a URL)"),
    ])
    func redaction(_ url: String, _ shown: String) {
        #expect(MediaURL.redacted(url) == shown)
    }
}
