import MailKit
import Testing

@Suite("Authentication-Results (RFC 8601)")
struct AuthenticationResultsTests {
    @Test("methods and results are read past comments, versions and properties")
    func parsesResults() throws {
        let field = try #require(AuthenticationResults(parsing: """
            MX.Example.COM 1; spf=pass (sender SPF authorized) smtp.mailfrom=example.org;
             dkim=fail (bad signature) header.d=example.org header.s=s1; dkim/1=pass header.i=@example.net;
             dmarc=none (p=none dis=none) header.from=example.org
            """))
        #expect(field.authservID == "mx.example.com")
        #expect(field.results(of: "spf") == ["pass"])
        #expect(field.results(of: "dkim") == ["fail", "pass"])
        #expect(field.results(of: "dmarc") == ["none"])
        #expect(field.results(of: "arc").isEmpty)
    }

    @Test("a field with no results, a comment holding ';' and quoted values are read without inventing results")
    func oddFields() throws {
        let none = try #require(AuthenticationResults(parsing: "mx.example.com; none"))
        #expect(none.results.isEmpty)
        let tricky = try #require(AuthenticationResults(parsing: #"mx.example.com; dkim=pass (a; dmarc=fail) header.b="x;y"; spf=fail"#))
        #expect(tricky.results(of: "dmarc").isEmpty)
        #expect(tricky.results(of: "dkim") == ["pass"])
        #expect(AuthenticationResults(parsing: "   ") == nil)
        #expect(AuthenticationResults(parsing: "(only a comment)") == nil)
    }

    @Test("only the fields of the named server are taken from an email")
    func byAuthservID() throws {
        let email = try ReceivedMessage.parse("""
            Authentication-Results: mx.example.com; dmarc=fail header.from=example.org
            Authentication-Results: attacker.example; dmarc=pass header.from=example.org
            From: ann@example.org
            Subject: hi

            hello
            """)
        let ours = email.authenticationResults(by: "MX.example.com")
        #expect(ours.count == 1)
        #expect(ours.first?.results(of: "dmarc") == ["fail"])
        #expect(email.authenticationResults(by: "other.example").isEmpty)
    }
}
