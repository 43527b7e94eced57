import MailKit
import Testing

/// The overall rules of ``ReplyText``: line endings, what is kept as written, top-posting and
/// bottom-posting. The quote headers, attributions and signatures have suites of their own.
@Suite("Reply text")
struct ReplyTextTests {
    /// The relayed email's text part, as the default template writes it.
    static let relayed = """
        Text message from 18553569768 to 12066418000

        Are you coming tonight?

        --
        From:       18553569768
        To:         12066418000
        Received:   Wednesday, 25 November 2026, 06:30:00 UTC (2026-11-25T06:30:00Z)
        Carrier:    flowroute
        Message ID: mdr2-abc123
        """

    /// `text` with `> ` before each line, as a client quotes it.
    static func quoted(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n")
    }

    @Test("a reply with no quote is kept whole")
    func plain() {
        #expect(ReplyText.extract("Yes, see you at 7.") == "Yes, see you at 7.")
    }

    @Test("CRLF and CR line endings become LF, trailing whitespace goes, the result is trimmed")
    func normalisation() {
        #expect(ReplyText.extract("\r\n  \r\nFirst line  \r\nSecond\t\rThird \u{00A0}\r\n\r\n") == "First line\nSecond\nThird")
    }

    @Test("runs of blank lines inside the new text become one blank line")
    func blankRuns() {
        #expect(ReplyText.extract("One\n\n\n\nTwo\n \n\t\nThree") == "One\n\nTwo\n\nThree")
    }

    @Test("emoji, other scripts, URLs, leading spaces and line breaks of the new text are kept as written")
    func keptAsWritten() {
        let text = "Ok 👍🏽 👨‍👩‍👧‍👦\nשלום, مرحبا, こんにちは, Привет\n  https://example.com/a?b=1&c=%20\nA > B, and <3"
        #expect(ReplyText.extract(text + "\n\n" + Self.quoted(Self.relayed)) == text)
    }

    @Test("an empty reply, or one of whitespace only, is empty")
    func empty() {
        #expect(ReplyText.extract("") == "")
        #expect(ReplyText.extract(" \n\t\r\n") == "")
    }

    @Test("a top-posted reply ends at the first quoted line, and nothing after the quote is kept")
    func topPosted() {
        let reply = "Yes!\n\n" + Self.quoted(Self.relayed) + "\n\nstray text a client left below\n> more quote"
        #expect(ReplyText.extract(reply) == "Yes!")
    }

    @Test("a reply of quote only has no new text")
    func quoteOnly() {
        #expect(ReplyText.extract(Self.quoted(Self.relayed)) == "")
        #expect(ReplyText.extract("On Wed, Nov 25, 2026 at 6:30 AM 18553569768 <relay@example.org> wrote:\n\n" + Self.quoted(Self.relayed)) == "")
    }

    @Test("a bottom-posted reply keeps the text after the quote and drops its attribution")
    func bottomPosted() {
        let reply = "On 25/11/2026 06:30, 18553569768 wrote:\n" + Self.quoted(Self.relayed) + "\n\nYes, at 7.\nBring snacks."
        #expect(ReplyText.extract(reply) == "Yes, at 7.\nBring snacks.")
    }

    @Test("an interleaved reply keeps each answer and drops every quoted line")
    func interleaved() {
        let reply = """
            On 25/11/2026 06:30, 18553569768 wrote:
            > Are you coming tonight?

            Yes.

            > Can you bring the salad?
            >
            Sure, and dessert.
            > --
            > From:       18553569768

            """
        #expect(ReplyText.extract(reply) == "Yes.\n\nSure, and dessert.")
    }

    @Test("nested quotes and quotes indented by the HTML conversion are quotes too")
    func nestedQuotes() {
        #expect(ReplyText.extract("Fine\n> > older\n>> older still\n  > indented") == "Fine")
        #expect(ReplyText.extract("> > older\n  > indented\nFine") == "Fine")
    }

    @Test("a reply quoting the relayed email without > is cut at the header block above it")
    func unmarkedRelayedEmail() {
        let reply = """
            Yes, 7 is fine.

            ________________________________
            From: 18553569768 <relay@example.org>
            Sent: Wednesday, November 25, 2026 7:31 AM
            To: Ann <ann@example.com>
            Subject: Text message from 18553569768 to 12066418000

            \(Self.relayed)
            """
        #expect(ReplyText.extract(reply) == "Yes, 7 is fine.")
    }

    @Test("the relayed email's own footer is cut as a signature when a client quotes it bare")
    func bareFooter() {
        #expect(ReplyText.extract("Yes\n--\nFrom:       18553569768\nTo:         12066418000") == "Yes")
    }

    @Test("text below an original quoted without > is never kept, even with nothing new above it")
    func nothingAfterUnmarkedOriginal() {
        let reply = "-----Original Message-----\nFrom: 18553569768\nSent: today\nTo: Ann\n\nAre you coming?\n\nYes"
        #expect(ReplyText.extract(reply) == "")
    }
}
