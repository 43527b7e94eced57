import MailKit
import Testing

@Suite("Mailbox parsing")
struct MailboxParsingTests {
    struct Good: Sendable, CustomTestStringConvertible {
        var input: String
        var name: String?
        var address: String
        var testDescription: String { input }
    }

    static let good: [Good] = [
        Good(input: "ann@example.com", name: nil, address: "ann@example.com"),
        Good(input: "  ann@example.com  ", name: nil, address: "ann@example.com"),
        Good(input: "first.last+tag@mail.example.co.uk", name: nil, address: "first.last+tag@mail.example.co.uk"),
        Good(input: "root@localhost", name: nil, address: "root@localhost"),
        Good(input: "Ann Smith <ann@example.com>", name: "Ann Smith", address: "ann@example.com"),
        Good(input: "<ann@example.com>", name: nil, address: "ann@example.com"),
        Good(input: "\"Smith, Ann\" <ann@example.com>", name: "Smith, Ann", address: "ann@example.com"),
        Good(input: #""Ann \"The Boss\" Smith" <ann@example.com>"#, name: "Ann \"The Boss\" Smith", address: "ann@example.com"),
        Good(input: "\"a <b> c\" <ann@example.com>", name: "a <b> c", address: "ann@example.com"),
        Good(input: "Zoë Ünal <zoe@example.com>", name: "Zoë Ünal", address: "zoe@example.com"),
        Good(input: "\"\" <ann@example.com>", name: nil, address: "ann@example.com"),
    ]

    static let bad: [Escaped] = [
        "",
        "foo",
        "foo@",
        "@example.com",
        "a@@example.com",
        "a@b@example.com",
        "ann smith@example.com",
        "ann@exa mple.com",
        "ann@example.com\r\nBcc: x@y",
        "Ann\n <ann@example.com>",
        "ann@example.com\u{0}",
        "Ann <ann@example.com",
        "Ann ann@example.com>",
        "Ann <>",
        "Ann <not an address>",
        "\"Unclosed <ann@example.com>",
        "\"Quoted\" trailing <ann@example.com>",
        "Ann \"Mid\" <ann@example.com>",
        ".ann@example.com",
        "ann.@example.com",
        "an..n@example.com",
        "ann@-example.com",
        "ann@example..com",
        "zoë@example.com",
        "ann@exämple.com",
        "<ann@example.com> trailing",
        "a@example.com, b@example.com",
    ]

    @Test("accepts an address, a named address and a quoted name", arguments: good)
    func accepts(_ sample: Good) throws {
        let mailbox = try Mailbox(parsing: sample.input)
        #expect(mailbox.displayName == sample.name)
        #expect(mailbox.address == sample.address)
    }

    @Test("rejects anything else with an invalid-address error", arguments: bad)
    func rejects(_ input: Escaped) {
        #expect {
            try Mailbox(parsing: input.value)
        } throws: { error in
            (error as? MailKitError)?.code == .invalidAddress
        }
    }

    @Test("the error says what was wrong and what was expected")
    func errorMessage() throws {
        let error = try #require(throws: MailKitError.self) { try Mailbox(parsing: "foo") }
        #expect(error.message == "'foo' is not an email address; expected name@domain or Name <name@domain>")
        let control = try #require(throws: MailKitError.self) { try Mailbox(parsing: "a@b.c\r\nBcc: x@y") }
        #expect(control.message.contains(#"'a@b.c\r\nBcc: x@y'"#))
        #expect(control.message.contains("control character"))
    }

    @Test("a list splits at commas outside quotes")
    func list() throws {
        let mailboxes = try Mailbox.list(parsing: #"ann@example.com, "Smith, Bob" <bob@example.com>,Carol <carol@example.com>"#)
        #expect(mailboxes == [
            Mailbox(address: "ann@example.com"),
            Mailbox(displayName: "Smith, Bob", address: "bob@example.com"),
            Mailbox(displayName: "Carol", address: "carol@example.com"),
        ])
        #expect(try Mailbox.list(parsing: "a@example.com,, b@example.com ,").map(\.address) == ["a@example.com", "b@example.com"])
        #expect(try Mailbox.list(parsing: #""x \" , y" <a@example.com>"#).first?.displayName == #"x " , y"#)
    }

    @Test("a list with a bad element or no element at all is rejected")
    func badList() {
        #expect(throws: MailKitError.self) { try Mailbox.list(parsing: "a@example.com, nope") }
        #expect(throws: MailKitError.self) { try Mailbox.list(parsing: " , ") }
        #expect(throws: MailKitError.self) { try Mailbox.list(parsing: "") }
        #expect(throws: MailKitError.self) { try Mailbox.list(parsing: "a@example.com\nb@example.com") }
    }

    @Test("the domain is what follows the last @")
    func domain() {
        #expect(Mailbox(address: "ann@Example.org").domain == "Example.org")
        #expect(Mailbox(address: "ann").domain == nil)
        #expect(Mailbox(address: "ann@").domain == nil)
    }
}
