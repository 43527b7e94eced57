import Crypto
import Foundation
@testable import SMSRelayIntake
import Testing

/// Each carrier's proof on its own. The signatures over HTTP, made by the carriers' own code, are
/// in the server's CarrierCallbackTests.
@Suite("Callback authentication")
struct CallbackAuthenticationTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func form(_ pairs: [(String, String)]) -> [UInt8] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Array(pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&").utf8)
    }

    @Test("Twilio's example: the URL, then each parameter sorted by name, HMAC-SHA1 with the auth token")
    func twilioDocumentedExample() throws {
        // The example of Twilio's webhook security page, token 12345; the twilio package's
        // RequestValidator computes the same value.
        let check = TwilioSignature(authToken: "12345", publicURL: "https://mycompany.com")
        let parameters = [
            ("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        let signature = check.signature(url: "https://mycompany.com/myapp.php?foo=1&bar=2", parameters: parameters)
        #expect(Data(signature).base64EncodedString() == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        let request = CallbackRequest(
            method: "POST", path: "/myapp.php", query: "foo=1&bar=2",
            headers: ["content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ="])
        try check.authenticate(request, body: Self.form(parameters), now: Self.now)
        var reordered = request
        reordered.query = "bar=2&foo=1"
        #expect(throws: CallbackAuthenticationFailure.self) { try check.authenticate(reordered, body: Self.form(parameters), now: Self.now) }
    }

    @Test("the URL is tried as given, without its port and with the default port, as Twilio's validators do")
    func twilioPorts() {
        #expect(TwilioSignature.candidateURLs("https://a.example/x") == ["https://a.example/x", "https://a.example:443/x"])
        #expect(TwilioSignature.candidateURLs("https://a.example:8443/x?y=1") == ["https://a.example:8443/x?y=1", "https://a.example/x?y=1"])
        #expect(TwilioSignature.candidateURLs("http://a.example/x") == ["http://a.example/x", "http://a.example:80/x"])
    }

    @Test("without a public URL the Host header stands for it; SignalWire's header is read too")
    func twilioHostAndSignalWire() throws {
        let check = TwilioSignature(authToken: "token-0123456789", publicURL: nil)
        let parameters = [("Body", "hi"), ("From", "+18553569768")]
        let signature = Data(check.signature(url: "https://relay.example.org/twilio/t", parameters: parameters)).base64EncodedString()
        let request = CallbackRequest(
            method: "POST", path: "/twilio/t", headers: ["host": "relay.example.org", "x-signalwire-signature": signature])
        try check.authenticate(request, body: Self.form(parameters), now: Self.now)
        var elsewhere = request
        elsewhere.headers["host"] = "attacker.example"
        #expect(throws: CallbackAuthenticationFailure.self) { try check.authenticate(elsewhere, body: Self.form(parameters), now: Self.now) }
    }

    @Test("repeated values count once each, sorted, as in Twilio's validator")
    func twilioRepeatedValues() {
        let check = TwilioSignature(authToken: "k", publicURL: "https://x")
        let once = check.signature(url: "https://x/", parameters: [("A", "2"), ("A", "1")])
        #expect(once == check.signature(url: "https://x/", parameters: [("A", "1"), ("A", "2"), ("A", "2")]))
        #expect(once != check.signature(url: "https://x/", parameters: [("A", "1")]))
    }

    @Test("Telnyx: a signature over timestamp|body with the key checks; another body, key or an old or future time does not")
    func telnyx() throws {
        let key = Curve25519.Signing.PrivateKey()
        let check = try #require(TelnyxSignature.publicKey(base64: key.publicKey.rawRepresentation.base64EncodedString()))
        let telnyx = TelnyxSignature(publicKey: check)
        let body = Array(#"{"data": {"event_type": "message.received"}}"#.utf8)
        func request(_ timestamp: Int, _ signed: [UInt8]) throws -> CallbackRequest {
            let signature = try key.signature(for: Array("\(timestamp)|".utf8) + signed)
            return CallbackRequest(
                method: "POST", path: "/telnyx/t",
                headers: ["telnyx-timestamp": "\(timestamp)", "telnyx-signature-ed25519": signature.base64EncodedString()])
        }
        let now = Int(Self.now.timeIntervalSince1970)
        try telnyx.authenticate(try request(now - 299, body), body: body, now: Self.now)
        for (timestamp, signed) in [(now - 301, body), (now + 301, body), (now, body + [0x20])] {
            #expect(throws: CallbackAuthenticationFailure.self) { try telnyx.authenticate(try request(timestamp, signed), body: body, now: Self.now) }
        }
        let other = TelnyxSignature(publicKey: Curve25519.Signing.PrivateKey().publicKey)
        #expect(throws: CallbackAuthenticationFailure.self) { try other.authenticate(try request(now, body), body: body, now: Self.now) }
        #expect(TelnyxSignature.publicKey(base64: "not base64") == nil)
        #expect(TelnyxSignature.publicKey(base64: Data(count: 31).base64EncodedString()) == nil)
    }

    @Test("Basic authentication: the right pair passes, any other or none does not")
    func basic() throws {
        let check = BasicAuthentication(username: "relay", password: "s3cret:with:colons")
        func request(_ value: String?) -> CallbackRequest {
            CallbackRequest(method: "POST", path: "/bandwidth/t", headers: value.map { ["authorization": $0] } ?? [:])
        }
        let good = "Basic " + Data("relay:s3cret:with:colons".utf8).base64EncodedString()
        try check.authenticate(request(good), body: [], now: Self.now)
        try check.authenticate(request("basic " + Data("relay:s3cret:with:colons".utf8).base64EncodedString()), body: [], now: Self.now)
        for bad in [nil, "Bearer x", "Basic !!!", "Basic " + Data("relay:s3cret".utf8).base64EncodedString()] {
            #expect(throws: CallbackAuthenticationFailure.self) { try check.authenticate(request(bad), body: [], now: Self.now) }
        }
    }

    @Test("address blocks: IPv4, IPv6, IPv4-mapped IPv6, single addresses; nonsense refused")
    func addressRanges() throws {
        let v4 = try #require(SourceAddressRange("208.100.60.0/24"))
        #expect(v4.contains("208.100.60.7"))
        #expect(v4.contains("::ffff:208.100.60.7"))
        #expect(!v4.contains("208.100.61.7"))
        #expect(!v4.contains("not an address"))
        let odd = try #require(SourceAddressRange("10.1.2.3/13"))
        #expect(odd.description == "10.0.0.0/13")
        #expect(odd.contains("10.7.255.255") && !odd.contains("10.8.0.0"))
        let v6 = try #require(SourceAddressRange("2001:db8::/32"))
        #expect(v6.description == "2001:db8::/32")
        #expect(SourceAddressRange("::1")?.description == "::1/128")
        #expect(v6.contains("2001:db8:ffff::1") && !v6.contains("2001:db9::1") && !v6.contains("32.1.13.184"))
        let one = try #require(SourceAddressRange("127.0.0.1"))
        #expect(one.contains("127.0.0.1") && !one.contains("127.0.0.2"))
        for bad in ["", "1.2.3.4/33", "::/129", "1.2.3/8", "example.com", "1.2.3.4/-1"] {
            #expect(SourceAddressRange(bad) == nil, "\(bad)")
        }
        let check = SourceAddressCheck(ranges: [v4, one])
        try check.authenticate(CallbackRequest(method: "GET", path: "/", sourceAddress: "127.0.0.1"), body: [], now: Self.now)
        #expect(throws: CallbackAuthenticationFailure.self) {
            try check.authenticate(CallbackRequest(method: "GET", path: "/", sourceAddress: "192.0.2.1"), body: [], now: Self.now)
        }
        #expect(throws: CallbackAuthenticationFailure.self) {
            try check.authenticate(CallbackRequest(method: "GET", path: "/", sourceAddress: nil), body: [], now: Self.now)
        }
    }

    @Test("each carrier's methods, body types and acknowledgement")
    func carrierProtocols() {
        #expect(CarrierProtocol(.voipms).methods == ["GET", "POST"])
        #expect(CarrierProtocol(.twilio).methods == ["POST"])
        #expect(CarrierProtocol(.twilio).accepts(contentType: "application/x-www-form-urlencoded; charset=utf-8"))
        #expect(!CarrierProtocol(.twilio).accepts(contentType: "application/json"))
        #expect(CarrierProtocol(.telnyx).accepts(contentType: "application/json"))
        #expect(!CarrierProtocol(.bandwidth).accepts(contentType: "application/x-www-form-urlencoded"))
        #expect(CarrierProtocol(.voipms).accepts(contentType: "application/json"))
        #expect(CarrierProtocol(.twilio).acknowledgement == .twiml)
        #expect(CarrierProtocol(.voipms).acknowledgement == .plainOK)
        #expect(CarrierProtocol(.flowroute).acknowledgement == .json)
        let get = CallbackRequest(method: "GET", path: "/voipms/t", query: "to=1&from=2")
        #expect(CarrierProtocol(.voipms).fields(of: get, body: []) == Array("to=1&from=2".utf8))
        #expect(CarrierProtocol(.flowroute).fields(of: get, body: [1]) == [1])
    }
}
