import MediaFetch
import Testing

@Suite("Trusted hosts")
struct TrustedHostsTests {
    @Test("a list parses into its entries, blanks skipped")
    func parsesList() throws {
        let hosts = try TrustedHosts(parsing: " 127.0.0.1:8080, Media.LAN ,, [::1]:8443, fd00::5, [fd00::6] ")
        #expect(hosts.entries.map(\.description) == ["127.0.0.1:8080", "media.lan", "[::1]:8443", "[fd00::5]", "[fd00::6]"])
        #expect(try TrustedHosts(parsing: "").entries.isEmpty)
        #expect(try TrustedHosts(parsing: " , ").entries.isEmpty)
    }

    @Test("an entry with a port matches that port only; one without matches any")
    func ports() throws {
        let hosts = try TrustedHosts(parsing: "127.0.0.1:8080,media.lan")
        #expect(hosts.contains(host: "127.0.0.1", port: 8080))
        #expect(!hosts.contains(host: "127.0.0.1", port: 8081))
        #expect(!hosts.contains(host: "127.0.0.1", port: 80))
        #expect(hosts.contains(host: "media.lan", port: 443))
        #expect(hosts.contains(host: "media.lan", port: 9000))
        #expect(!hosts.contains(host: "other.lan", port: 443))
        #expect(!hosts.contains(host: "sub.media.lan", port: 443))
    }

    @Test("names compare without regard to case")
    func caseInsensitive() throws {
        let hosts = try TrustedHosts(parsing: "Media.Example.COM:443")
        #expect(hosts.contains(host: "media.example.com", port: 443))
        #expect(hosts.contains(host: "MEDIA.EXAMPLE.COM", port: 443))
    }

    @Test("IPv6 addresses compare by value, with or without brackets")
    func ipv6() throws {
        let hosts = try TrustedHosts(parsing: "[::1]:8443,[fd00:0:0::7]")
        #expect(hosts.contains(host: "::1", port: 8443))
        #expect(hosts.contains(host: "[::1]", port: 8443))
        #expect(hosts.contains(host: "0:0::0:1", port: 8443))
        #expect(!hosts.contains(host: "::1", port: 443))
        #expect(hosts.contains(host: "fd00::7", port: 1))
        #expect(!hosts.contains(host: "127.0.0.1", port: 8443))
    }

    @Test("a bad entry is an error naming the setting and the entry", arguments: [
        "a b", "host:", "host:0", "host:65536", "host:80:81", "[::1", "[::1]x", "[nothost]:80", ":80", "ho/st", "http://host", "user@host",
        "a..b", "::1:8443x", "host:+80",
    ])
    func badEntries(_ entry: String) {
        #expect(throws: TrustedHostError.self) { try TrustedHosts(parsing: "ok.lan, \(entry)") }
    }

    @Test("the error says what was wrong and what to write")
    func errorMessage() {
        do {
            _ = try TrustedHosts(parsing: "ok.lan,a b", setting: "SMSRELAY_MEDIA_TRUSTED_HOSTS")
            Issue.record("a b was accepted")
        } catch {
            #expect(error.description.hasPrefix("SMSRELAY_MEDIA_TRUSTED_HOSTS entry 'a b' is not a host or host:port"))
            #expect(error.description.contains("127.0.0.1:8080"))
        }
    }
}
