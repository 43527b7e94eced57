import Testing

@testable import MailKit

@Suite("format=flowed")
struct FormatFlowedTests {
    @Test("soft-broken lines join; a line without a trailing space ends the paragraph")
    func joins() {
        let text = "This is a long \nparagraph that \nflows.\nFixed line.\n\nNext \nparagraph."
        #expect(FormatFlowed.unflow(text, deleteSpace: false) == "This is a long paragraph that flows.\nFixed line.\n\nNext paragraph.")
    }

    @Test("DelSp=yes removes the space that marks the break")
    func deleteSpace() {
        #expect(FormatFlowed.unflow("日本語の \nテキスト", deleteSpace: true) == "日本語のテキスト")
        #expect(FormatFlowed.unflow("Is that  \nOK?", deleteSpace: true) == "Is that OK?")
        #expect(FormatFlowed.unflow("Is that  \nOK?", deleteSpace: false) == "Is that  OK?")
    }

    @Test("space-stuffing is removed, once")
    func spaceStuffing() {
        #expect(FormatFlowed.unflow(" From here\n  indented\n >not a quote", deleteSpace: false) == "From here\n indented\n>not a quote")
    }

    @Test("quote depth is kept and lines of different depths never join")
    func quoteDepth() {
        let text = "> quoted and \n> flowed\n>> deeper \n> back to one\n> ends flowed \nnot quoted"
        #expect(
            FormatFlowed.unflow(text, deleteSpace: false)
                == "> quoted and flowed\n>> deeper \n> back to one\n> ends flowed \nnot quoted"
        )
        #expect(FormatFlowed.unflow(">>> a \n>>>b\n>", deleteSpace: false) == ">>> a b\n>")
    }

    @Test("the signature separator is never flowed, nor joined onto the line before")
    func signature() {
        #expect(FormatFlowed.unflow("Thanks, \n-- \nAnn", deleteSpace: false) == "Thanks, \n-- \nAnn")
        #expect(FormatFlowed.unflow("-- \nAnn", deleteSpace: true) == "-- \nAnn")
    }

    @Test("only text/plain with format=flowed is unflowed, DelSp read from its parameter")
    func onlyWhenFlowed() throws {
        let fixed = try ReceivedMessage.parse("Content-Type: text/plain\n\nstays \nbroken")
        #expect(fixed.bodyText == "stays \nbroken")
        let flowed = try ReceivedMessage.parse("Content-Type: text/plain; format=\"Flowed\"; DelSp=\"Yes\"\n\njoin \nhere")
        #expect(flowed.bodyText == "joinhere")
    }
}
