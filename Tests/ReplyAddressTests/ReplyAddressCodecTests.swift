import PropertyBased
@testable import ReplyAddress
import Testing

@Suite("Reply addresses")
struct ReplyAddressCodecTests {
    static let codec = ReplyAddressCodec(secret: "reply-secret-0123456789abcdef", domain: "SMS.Example.com")
    static let seed = ReplyAddress(ourNumber: "12066418000", texterNumber: "18553569768")

    /// E.164 digits: 1 to 15 of them.
    static let number = Gen.int(in: 0...9).array(of: 1...15).map { $0.map(String.init).joined() }

    @Test("an address reads back as the numbers it was made for, in any case")
    func roundTrip() async throws {
        try await propertyCheck(count: 300, input: Self.number, Self.number) { (ours: String, texter: String) async throws in
            let reply = ReplyAddress(ourNumber: ours, texterNumber: texter)
            let address = try #require(Self.codec.address(for: reply))
            #expect(try Self.codec.decode(address) == reply)
            #expect(try Self.codec.decode(address.uppercased()) == reply)
            #expect(address.split(separator: "@")[0].utf8.count <= 64)
        }
    }

    @Test("every change of one character is refused, but a change of case")
    func singleCharacterChanges() throws {
        let local = try #require(Self.codec.localPart(for: Self.seed))
        let characters = Array(local)
        let replacements = Array("abcdefghijklmnopqrstuvwxyz0123456789-._+=")
        var refused = 0
        for index in characters.indices {
            for replacement in replacements where replacement != characters[index] {
                var changed = characters
                changed[index] = replacement
                let address = String(changed) + "@sms.example.com"
                #expect(throws: ReplyAddressError.self, "\(address)") { try Self.codec.decode(address) }
                refused += 1
            }
        }
        #expect(refused == characters.count * (replacements.count - 1))
        // Deleting or adding a character is refused too.
        for index in characters.indices {
            var shorter = characters
            shorter.remove(at: index)
            #expect(throws: ReplyAddressError.self) { try Self.codec.decode(String(shorter) + "@sms.example.com") }
        }
        #expect(throws: ReplyAddressError.self) { try Self.codec.decode(local + "a@sms.example.com") }
    }

    @Test("the address is made of digits, lowercase letters and dashes, with the version first")
    func shape() throws {
        let local = try #require(Self.codec.localPart(for: Self.seed))
        #expect(local.hasPrefix("sms1-12066418000-18553569768-"))
        #expect(local.utf8.count == 4 + 1 + 11 + 1 + 11 + 1 + 16)
        #expect(local.allSatisfy { $0.isNumber || ("a"..."z").contains($0) || $0 == "-" })
        #expect(Self.codec.address(for: Self.seed)?.hasSuffix("@sms.example.com") == true)
        // A number in another form gets no address rather than a crash.
        #expect(Self.codec.address(for: ReplyAddress(ourNumber: "+12066418000", texterNumber: "18553569768")) == nil)
        #expect(Self.codec.address(for: ReplyAddress(ourNumber: "12066418000", texterNumber: "")) == nil)
        #expect(Self.codec.address(for: ReplyAddress(ourNumber: "1234567890123456", texterNumber: "1")) == nil)
    }

    @Test("another secret, another domain or swapped numbers do not verify")
    func boundToSecretAndDomain() throws {
        let address = try #require(Self.codec.address(for: Self.seed))
        let otherSecret = ReplyAddressCodec(secret: "another-secret-0123456789abcdef", domain: "sms.example.com")
        #expect { try otherSecret.decode(address) } throws: { ($0 as? ReplyAddressError)?.kind == .forged }
        let otherDomain = ReplyAddressCodec(secret: "reply-secret-0123456789abcdef", domain: "sms.example.org")
        #expect { try otherDomain.decode(address) } throws: { ($0 as? ReplyAddressError)?.kind == .notAReplyAddress }
        let local = try #require(Self.codec.localPart(for: Self.seed))
        let mac = local.split(separator: "-").last!
        #expect { try Self.codec.decode("sms1-18553569768-12066418000-\(mac)@sms.example.com") } throws: {
            ($0 as? ReplyAddressError)?.kind == .forged
        }
    }

    @Test("bare numbers, other versions and other shapes are not reply addresses", arguments: [
        "18553569768@sms.example.com", "sms2-12066418000-18553569768-aaaaaaaaaaaaaaaa@sms.example.com",
        "sms1-12066418000-aaaaaaaaaaaaaaaa@sms.example.com", "sms1--18553569768-aaaaaaaaaaaaaaaa@sms.example.com",
        "sms1-1206641800012345-18553569768-aaaaaaaaaaaaaaaa@sms.example.com", "no-at-sign", "",
    ])
    func notReplyAddresses(_ address: String) {
        #expect { try Self.codec.decode(address) } throws: { ($0 as? ReplyAddressError)?.kind == .notAReplyAddress }
    }

    @Test("the display name is the texter's number as people read it")
    func displayName() {
        #expect(Self.seed.displayName == "+1 855-356-9768 (SMS)")
        #expect(ReplyAddress(ourNumber: "1", texterNumber: "447700900123").displayName == "+44 7700 900123 (SMS)")
    }

    @Test("base32 round-trips and refuses what is not its own encoding")
    func base32() async throws {
        try await propertyCheck(count: 200, input: Gen.int(in: 0...255).map { UInt8($0) }.array(of: 0...32)) { bytes in
            #expect(Base32.decodeLowercase(Base32.lowercase(bytes)) == bytes)
        }
        #expect(Base32.decodeLowercase("a1") == nil)
        #expect(Base32.decodeLowercase("ab") == nil, "unused trailing bits must be zero")
        #expect(Base32.decodeLowercase("aaa") == nil, "a character that adds no byte is refused")
    }
}
