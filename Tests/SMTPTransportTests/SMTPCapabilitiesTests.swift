import Testing

@testable import SMTPTransport

@Suite("EHLO capabilities")
struct SMTPCapabilitiesTests {
    @Test("extensions are read from every line after the first, case-insensitively")
    func parse() {
        let capabilities = SMTPCapabilities(ehloReply: ehlo("size 35882577", "8BITMIME", "Pipelining", "STARTTLS", "AUTH PLAIN LOGIN", "ENHANCEDSTATUSCODES", "SMTPUTF8"))
        #expect(capabilities.maximumSize == 35_882_577)
        #expect(capabilities.eightBitMIME)
        #expect(capabilities.pipelining)
        #expect(capabilities.startTLS)
        #expect(capabilities.smtpUTF8)
        #expect(capabilities.authMechanisms == ["PLAIN", "LOGIN"])
        #expect(capabilities.supports("enhancedstatuscodes"))
        #expect(!capabilities.supports("CHUNKING"))
    }

    @Test("the greeting line is not an extension")
    func greetingLine() {
        let capabilities = SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: ["STARTTLS is not an extension here"]))
        #expect(!capabilities.startTLS)
    }

    @Test("SIZE 0, SIZE without a number and no SIZE all mean no limit")
    func sizeWithoutLimit() {
        #expect(SMTPCapabilities(ehloReply: ehlo("SIZE 0")).maximumSize == nil)
        #expect(SMTPCapabilities(ehloReply: ehlo("SIZE")).maximumSize == nil)
        #expect(SMTPCapabilities(ehloReply: ehlo("SIZE")).supports("SIZE"))
        #expect(SMTPCapabilities(ehloReply: ehlo()).maximumSize == nil)
    }

    @Test("the old AUTH= form is understood and merged with AUTH")
    func oldAuthSyntax() {
        let capabilities = SMTPCapabilities(ehloReply: ehlo("AUTH=LOGIN", "AUTH plain CRAM-MD5"))
        #expect(capabilities.authMechanisms == ["LOGIN", "PLAIN", "CRAM-MD5"])
    }
}
