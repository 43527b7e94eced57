import MailKit
import Testing

@Suite("Received multipart bodies")
struct MultipartParsingTests {
    @Test("the preamble and epilogue are ignored; delimiters may have trailing white space")
    func preambleEpilogueAndPadding() throws {
        let email = try ReceivedMessage.parse(
            """
            Content-Type: multipart/mixed; boundary=simple

            This is the preamble. It is to be ignored.
            --simple   \t
            Content-Type: text/plain

            first part
            --simple
            Content-Type: text/plain; charset=us-ascii

            second part

            --simple--  \t
            This is the epilogue.
            --simple
            Content-Type: text/plain

            not a part
            """
        )
        #expect(email.root.children.map(\.text) == ["first part", "second part\n"])
    }

    @Test("a missing close delimiter ends the last part at the end of the body", arguments: ["\r\n", "\n"])
    func missingCloseDelimiter(_ lineEnding: String) throws {
        let email = try ReceivedMessage.parse(
            """
            Content-Type: multipart/alternative; boundary="b1"

            --b1
            Content-Type: text/plain; charset=utf-8

            plain
            --b1
            Content-Type: text/html; charset=utf-8

            <p>html</p>
            """,
            lineEnding: lineEnding
        )
        #expect(email.root.shape == "multipart/alternative(text/plain,text/html)")
        #expect(email.root.children.last?.text == "<p>html</p>")
        #expect(email.bodyText == "plain")
    }

    @Test("parts without headers are text/plain; a part with only a body and no empty line too")
    func partsWithoutHeaders() throws {
        let email = try ReceivedMessage.parse(
            """
            Content-Type: multipart/mixed; boundary=xyz

            --xyz

            no headers here
            --xyz
            no empty line either
            --xyz--
            """
        )
        #expect(email.root.children.map(\.contentType) == ["text/plain", "text/plain"])
        #expect(email.root.children.map(\.text) == ["no headers here", "no empty line either"])
        #expect(email.root.children.allSatisfy { $0.headers.isEmpty && $0.parameters.isEmpty })
    }

    @Test("a boundary that begins another boundary does not split the inner multipart")
    func boundaryPrefix() throws {
        let email = try ReceivedMessage.parse(
            """
            Content-Type: multipart/mixed; boundary=abc

            --abc
            Content-Type: multipart/alternative; boundary=abcdef

            --abcdef
            Content-Type: text/plain

            inner one
            --abcdef
            Content-Type: text/plain

            inner two
            --abcdef--
            --abc
            Content-Type: text/plain

            outer two
            --abc--
            """
        )
        #expect(email.root.shape == "multipart/mixed(multipart/alternative(text/plain,text/plain),text/plain)")
        #expect(email.root.allParts.compactMap(\.text) == ["inner one", "inner two", "outer two"])
    }

    @Test("multiparts nested five deep are read to the innermost text")
    func fiveDeep() throws {
        var message = "From: ann@example.com\nContent-Type: multipart/mixed; boundary=\"level0\"\n\n"
        for level in 1..<5 {
            message += "--level\(level - 1)\nContent-Type: multipart/related; boundary=\"level\(level)\"\n\n"
        }
        message += "--level4\nContent-Type: text/plain; charset=utf-8\n\ndeep down\n"
        for level in (0..<5).reversed() { message += "--level\(level)--\n" }
        let email = try ReceivedMessage.parse(message)
        #expect(email.root.depth == 5)
        #expect(email.bodyText == "deep down")
    }

    @Test("multipart/digest parts default to message/rfc822")
    func digest() throws {
        let email = try ReceivedMessage.parse(
            "Content-Type: multipart/digest; boundary=d\n\n--d\n\nFrom: a@example.com\nSubject: one\n\nfirst\n--d--\n"
        )
        #expect(email.root.children.map(\.contentType) == ["message/rfc822"])
        #expect(email.root.children.first?.body == ReceivedMessage.bytes("From: a@example.com\nSubject: one\n\nfirst"))
        #expect(email.bodyText == nil)
    }

    @Test("a multipart without a boundary, or whose boundary never appears, keeps its body")
    func noBoundary() throws {
        let missing = try ReceivedMessage.parse("Content-Type: multipart/mixed\n\nsome text\n")
        #expect(missing.root.children.isEmpty)
        #expect(missing.root.body == ReceivedMessage.bytes("some text\n"))
        let absent = try ReceivedMessage.parse("Content-Type: multipart/mixed; boundary=nope\n\nsome text\n")
        #expect(absent.root.children.isEmpty)
        #expect(absent.bodyText == nil)
    }

    @Test("Content-Type values and parameter names are case-insensitive; a malformed type is text/plain")
    func contentTypeForms() throws {
        let upper = try ReceivedMessage.parse("CONTENT-TYPE: TEXT/PLAIN; CHARSET=ISO-8859-1; Format=Flowed\n\ncaf\u{E9}\n")
        #expect(upper.root.contentType == "text/plain")
        #expect(upper.root.parameters == ["charset": "ISO-8859-1", "format": "Flowed"])
        for value in ["text", "/plain", "text/", "text/ plain", ""] {
            let email = try ReceivedMessage.parse("Content-Type: \(value)\n\nx")
            #expect(email.root.contentType == "text/plain", "\(value)")
        }
    }

    @Test("RFC 2231 parameters: sections in any order, charset and percent-encoding, quoted strings")
    func rfc2231Parameters() throws {
        let email = try ReceivedMessage.parse(
            """
            Content-Type: multipart/mixed; boundary="outer; with \\"quotes\\""

            --outer; with "quotes"
            Content-Type: application/pdf;
             name*1*=%20report;
             name*0*=UTF-8''%C3%A9t%C3%A9;
             name*2=".pdf"
            Content-Disposition: attachment

            pdf
            --outer; with "quotes"
            Content-Type: text/plain; name="plain.txt"
            Content-Disposition: ATTACHMENT; filename*=iso-8859-1'fr'%E9t%E9.txt; size=3

            txt
            --outer; with "quotes"
            Content-Type: image/png; name="=?UTF-8?B?w6l0w6kucG5n?="
            Content-Disposition: inline; filename="legacy.png"; filename*=UTF-8''%C3%A9t%C3%A9%2Epng

            png
            --outer; with "quotes"--
            """
        )
        let parts = email.root.children
        #expect(email.root.parameters["boundary"] == "outer; with \"quotes\"")
        #expect(parts.map(\.fileName) == ["été report.pdf", "été.txt", "été.png"])
        #expect(parts.map(\.disposition) == ["attachment", "attachment", "inline"])
        #expect(parts[1].parameters["name"] == "plain.txt")
        #expect(parts[0].parameters["name"] == "été report.pdf")
        #expect(parts[2].parameters["name"] == "été.png")
        #expect(parts.allSatisfy { $0.isAttachment })
        #expect(email.bodyText == nil, "a text/plain attachment is not the body")
    }
}
