import FlowrouteAPI
import Testing

@Suite("SMS segments")
struct SMSSegmentsTests {
    static func count(_ text: String) -> (SMSSegments.Encoding, Int, Int) {
        let count = SMSSegments.count(text)
        return (count.encoding, count.segments, count.units)
    }

    static func a(_ n: Int) -> String { String(repeating: "a", count: n) }
    static func zhe(_ n: Int) -> String { String(repeating: "ж", count: n) }

    @Test("160 GSM characters are one SMS, 161 are two")
    func gsmSingleLimit() {
        #expect(Self.count(Self.a(160)) == (.gsm7, 1, 160))
        #expect(Self.count(Self.a(161)) == (.gsm7, 2, 161))
    }

    @Test("a long GSM text takes 153 septets a segment")
    func gsmSegments() {
        #expect(Self.count(Self.a(306)) == (.gsm7, 2, 306))
        #expect(Self.count(Self.a(307)) == (.gsm7, 3, 307))
        #expect(Self.count(Self.a(153 * 10)) == (.gsm7, 10, 1530))
    }

    @Test("an extension character takes two septets")
    func extensionCharacters() {
        #expect(Self.count("{}") == (.gsm7, 1, 4))
        #expect(Self.count("^{}\\[~]|€") == (.gsm7, 1, 18))
        #expect(Self.count(Self.a(158) + "€") == (.gsm7, 1, 160))
        #expect(Self.count(Self.a(159) + "€") == (.gsm7, 2, 161))
    }

    @Test("an extension character that does not fit in a segment's last septet starts the next")
    func extensionNeverSplit() {
        // 152 + 2 + 152 = 306 septets, two segments' worth, but the € cannot straddle them.
        #expect(Self.count(Self.a(152) + "€" + Self.a(152)) == (.gsm7, 3, 306))
        #expect(Self.count(Self.a(151) + "€" + Self.a(153)) == (.gsm7, 2, 306))
    }

    @Test("the GSM alphabet's accented and Greek letters stay GSM; one other character makes it all UCS-2")
    func alphabet() {
        #expect(Self.count("Ça, Ñoño! ΔΦΓΛΩΠΨΣΘΞ @£$¥ ¿¡ § äöüß èéùìò").0 == .gsm7)
        #expect(Self.count("line\r\nbreak").0 == .gsm7)
        #expect(Self.count("ç") == (.ucs2, 1, 1), "only the capital Ç is in the GSM alphabet")
        #expect(Self.count("`") == (.ucs2, 1, 1))
        #expect(Self.count("it’s") == (.ucs2, 1, 4), "a curly apostrophe is not GSM")
        #expect(Self.count(Self.a(100) + "ж") == (.ucs2, 2, 101))
    }

    @Test("70 UCS-2 characters are one SMS, 71 are two, then 67 a segment")
    func ucs2Limits() {
        #expect(Self.count(Self.zhe(70)) == (.ucs2, 1, 70))
        #expect(Self.count(Self.zhe(71)) == (.ucs2, 2, 71))
        #expect(Self.count(Self.zhe(134)) == (.ucs2, 2, 134))
        #expect(Self.count(Self.zhe(135)) == (.ucs2, 3, 135))
    }

    @Test("an emoji takes two UTF-16 units, kept in one segment")
    func emoji() {
        #expect(Self.count("😀") == (.ucs2, 1, 2))
        #expect(Self.count(String(repeating: "😀", count: 35)) == (.ucs2, 1, 70))
        #expect(Self.count(String(repeating: "😀", count: 36)) == (.ucs2, 2, 72))
        #expect(Self.count(Self.zhe(66) + "😀" + Self.zhe(66)) == (.ucs2, 3, 134))
        #expect(Self.count(Self.zhe(65) + "😀" + Self.zhe(67)) == (.ucs2, 2, 134))
    }

    @Test("an empty text is one segment of nothing")
    func empty() {
        #expect(Self.count("") == (.gsm7, 1, 0))
    }
}
