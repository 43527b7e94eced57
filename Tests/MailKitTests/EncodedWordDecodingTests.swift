import Testing

@testable import MailKit

@Suite("RFC 2047 encoded words in received headers")
struct EncodedWordDecodingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var raw: String
        var decoded: String
        var testDescription: String { raw }
    }

    static let latin1Cafe = ReceivedMessage.base64([0x43, 0x61, 0x66, 0xE9, 0x20, 0x61, 0x75, 0x20, 0x6C, 0x61, 0x69, 0x74])
    /// "Grüße aus Köln 👋" cut in the middle of the ü and of the emoji.
    static let splitUTF8: String = {
        let bytes = Array("Grüße aus Köln 👋".utf8)
        let first = ReceivedMessage.base64(Array(bytes[0..<3]))
        let second = ReceivedMessage.base64(Array(bytes[3..<19]))
        let third = ReceivedMessage.base64(Array(bytes[19...]))
        return "=?UTF-8?B?\(first)?= =?UTF-8?B?\(second)?=\t=?utf-8?b?\(third)?="
    }()

    static let cases: [Case] = [
        Case(raw: "=?ISO-8859-1?Q?Caf=E9_au_lait?=", decoded: "Café au lait"),
        Case(raw: "=?iso-8859-1?b?\(latin1Cafe)?=", decoded: "Café au lait"),
        Case(raw: "=?UTF-8?B?\(ReceivedMessage.base64("Grüße aus Köln"))?=", decoded: "Grüße aus Köln"),
        Case(raw: "=?utf-8?q?Re:_=F0=9F=91=8D_ok?=", decoded: "Re: 👍 ok"),
        Case(raw: splitUTF8, decoded: "Grüße aus Köln 👋"),
        Case(raw: "=?UTF-8?Q?Caf=C3=A9?= =?ISO-8859-1?Q?_cr=E8me?=", decoded: "Café crème"),
        Case(raw: "Re: =?UTF-8?Q?Caf=C3=A9?= time", decoded: "Re: Café time"),
        Case(raw: "Re: [team] =?UTF-8?B?w6k=?=\t=?UTF-8?B?w6k=?= x", decoded: "Re: [team] éé x"),
        Case(raw: "=?UTF-8?Q?a?==?UTF-8?Q?b?=", decoded: "ab"),
        Case(raw: "=?windows-1252?Q?=93Quoted=94_=96_=8050?=", decoded: "“Quoted” – €50"),
        Case(raw: "=?cp1252?Q?=92?= =?latin1?Q?=E9?= =?utf8?Q?=C3=A9?= =?US-ASCII?Q?ok?=", decoded: "’ééok"),
        Case(raw: "=?ISO-8859-15?Q?=A4_5?=", decoded: "€ 5"),
        Case(raw: "=?UTF-8*en?Q?Hello?=", decoded: "Hello"),
        Case(raw: "=?x-unknown?Q?Caf=C3=A9?= and =?x-unknown?Q?caf=E9?=", decoded: "Café and café"),
        Case(raw: "=?UTF-8?Q?a=0D=0ABcc:_x?=", decoded: "a  Bcc: x"),
        Case(raw: "=?UTF-8?Q??=", decoded: ""),
        // Malformed words stay as written.
        Case(raw: "=?UTF-8?X?abc?=", decoded: "=?UTF-8?X?abc?="),
        Case(raw: "=?UTF-8?B?not base64?=", decoded: "=?UTF-8?B?not base64?="),
        Case(raw: "=?UTF-8?B?w6k", decoded: "=?UTF-8?B?w6k"),
        Case(raw: "=?UTF-8?Q?a b?=", decoded: "=?UTF-8?Q?a b?="),
        Case(raw: "=??Q?x?=", decoded: "=??Q?x?="),
        Case(raw: "2 + 2 =? 4", decoded: "2 + 2 =? 4"),
        Case(raw: "=?=?UTF-8?Q?x?=", decoded: "=?x"),
        Case(raw: "=?UTF-8?Q?=C3?=", decoded: "\u{FFFD}"),
        Case(raw: "=?UTF-8?Q?100=?=", decoded: "100="),
    ]

    @Test("a Subject decodes to its text", arguments: cases)
    func subject(_ testCase: Case) throws {
        let email = try ReceivedMessage.parse("From: a@example.com\nSubject: \(testCase.raw)\n\nbody\n")
        #expect(email.subject == testCase.decoded)
        #expect(email.headers.first { $0.name == "Subject" }?.value == testCase.raw, "the raw value stays raw")
    }

    @Test("a folded subject's adjacent words join without the folding white space")
    func foldedSubject() throws {
        let email = try ReceivedMessage.parse(
            "Subject: =?UTF-8?B?8J+YgCBIZWxs?=\n =?UTF-8?B?bywgd29ybGQ=?=\n\t=?UTF-8?Q?!?=\nFrom: a@example.com\n\n"
        )
        #expect(email.subject == "😀 Hello, world!")
    }

    @Test("display names in From and To are decoded; the addresses are kept")
    func displayNames() throws {
        let email = try ReceivedMessage.parse(
            """
            From: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>
            To: =?UTF-8?B?Wm/DqyDDnG5hbA==?= <zoe@example.com>, "=?utf-8?q?M=C3=BCller?=" <m@example.com>,
             plain@example.com, broken <not an address>
            Subject: names

            body
            """
        )
        #expect(email.from == [Mailbox(displayName: "André Pirard", address: "PIRARD@vm1.ulg.ac.be")])
        #expect(
            email.to == [
                Mailbox(displayName: "Zoë Ünal", address: "zoe@example.com"),
                Mailbox(displayName: "Müller", address: "m@example.com"),
                Mailbox(address: "plain@example.com"),
            ]
        )
    }

    @Test("charset names are read case-insensitively with their aliases")
    func charsetAliases() {
        for name in ["UTF-8", "utf8", "Utf-8", "\"utf-8\""] { #expect(Charset(named: name) == .utf8) }
        for name in ["ISO-8859-1", "latin1", "Latin-1", "l1", "iso_8859-1", "cp1252", "Windows-1252", "x-cp1252"] {
            #expect(Charset(named: name) == .windows1252, "\(name)")
        }
        for name in ["ISO-8859-15", "latin9", "LATIN-9"] { #expect(Charset(named: name) == .iso8859_15) }
        for name in ["us-ascii", "x-unknown", "", "koi8-r"] { #expect(Charset(named: name) == .guess) }
        #expect(Charset(named: nil) == .guess)
    }

    @Test("Windows-1252 maps 0x80–0x9F to its letters and punctuation, the rest as Latin-1")
    func windows1252() {
        let text = Charset.windows1252.decode([0x80, 0x85, 0x8A, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0x99, 0x9F, 0x81, 0xE9, 0xFF])
        #expect(text == "€…Š‘’“”–—™Ÿ\u{81}éÿ")
        #expect(Charset.guess.decode(Array("héllo".utf8)) == "héllo")
        #expect(Charset.guess.decode([0x68, 0xE9, 0x6C]) == "hél")
    }
}
