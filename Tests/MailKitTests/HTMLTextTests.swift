import Testing

@testable import MailKit

@Suite("HTML to plain text")
struct HTMLTextTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var html: String
        var text: String
        var testDescription: String { html.debugDescription }
    }

    static let cases: [Case] = [
        Case(html: "<p>one</p><p>two</p>", text: "one\ntwo"),
        Case(html: "a<br>b<br/>c<BR />d", text: "a\nb\nc\nd"),
        Case(html: "<div>a</div><div><br></div><div>b</div>", text: "a\n\nb"),
        Case(html: "<ul><li>milk</li><li>eggs</li></ul><h2>Title</h2>after", text: "milk\neggs\nTitle\nafter"),
        Case(html: "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", text: "a b\nc"),
        Case(html: "  lots   of \n\t white\r\n space  ", text: "lots of white space"),
        Case(html: "&amp; &lt;tag&gt; &quot;q&quot; &#39;s&apos; &nbsp;x&nbsp;&nbsp;y", text: "& <tag> \"q\" 's' x y"),
        Case(html: "&#233;&#xE9;&#XE9;&eacute;&Eacute;&hellip;&euro;&#128;&#x1F600;", text: "ééééÉ…€€😀"),
        Case(html: "&unknown; &amp &#; &#xZZ; &#99999999999; & alone", text: "&unknown; &amp &#; &#xZZ; \u{FFFD} & alone"),
        Case(html: "a < b and 1<2 and x>y", text: "a < b and 1<2 and x>y"),
        Case(html: "<head><title>t</title><style>p{}</style></head><body>shown</body>", text: "shown"),
        Case(html: "<HEAD><meta charset=utf-8></HEAD>shown<SCRIPT type=x>if (a<b) {}</SCRIPT>too", text: "showntoo"),
        Case(html: "<!-- hidden --><!--[if mso]><p>outlook</p><![endif]-->shown<!DOCTYPE html>", text: "shown"),
        Case(html: "<a href=\"https://example.com\">link</a> and <img src=x alt=\"pic\"> <b>bold</b>", text: "link and bold"),
        Case(
            html: "Reply<blockquote>quoted<br>two<blockquote>deeper</blockquote>back</blockquote>end",
            text: "Reply\n> quoted\n> two\n>> deeper\n> back\nend"
        ),
        Case(html: "<blockquote><p>q</p><p></p><br><br><p>r</p></blockquote>", text: "> q\n>\n> r"),
        Case(html: "<p>\u{200B}x\u{FEFF}y&shy;z</p>", text: "xyz"),
        Case(html: "<br><br><p>  </p>text<br><br><br><br>more<br><br>", text: "text\n\nmore"),
        Case(html: "", text: ""),
    ]

    @Test("HTML becomes the text a reader sees", arguments: cases)
    func plainText(_ testCase: Case) {
        #expect(HTMLText.plainText(from: testCase.html) == testCase.text)
    }

    @Test("unterminated markup ends the text instead of looping or crashing")
    func unterminated() {
        #expect(HTMLText.plainText(from: "before<div class=\"x") == "before")
        #expect(HTMLText.plainText(from: "before<!-- never closed <p>x</p>") == "before")
        #expect(HTMLText.plainText(from: "before<style>p { }") == "before")
        #expect(HTMLText.plainText(from: "<head><p>head left open</p>") == "head left open")
        #expect(HTMLText.plainText(from: "a &#x") == "a &#x")
        #expect(HTMLText.plainText(from: "<") == "<")
    }
}
