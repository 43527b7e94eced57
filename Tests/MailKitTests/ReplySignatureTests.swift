import MailKit
import Testing

/// Signatures (`-- `) and the trailers mobile clients add.
@Suite("Reply text: signatures and mobile trailers")
struct ReplySignatureTests {
    @Test("a '-- ' line, or '--', starts the signature, which is not kept")
    func separator() {
        #expect(ReplyText.extract("Yes\n\n-- \nAnn Example\nExample Ltd, +1 555 0100") == "Yes")
        #expect(ReplyText.extract("Yes\n--\nAnn") == "Yes")
        #expect(ReplyText.extract("Yes\n-- \nAnn\n\nOn 25/11/2026 06:30, 18553569768 wrote:\n> Are you coming?") == "Yes")
    }

    @Test("dashes that are not a separator line are the person's text")
    func notSeparator() {
        let text = "Yes -- at 7\n---\n- milk\n-- bread"
        #expect(ReplyText.extract(text) == text)
    }

    @Test("a signature above a quote does not hide the answers below the quote")
    func signatureAboveBottomPost() {
        let reply = "-- \nAnn\n\nOn 25/11/2026 06:30, 18553569768 wrote:\n> Are you coming?\n\nYes\n\n-- \nAnn"
        #expect(ReplyText.extract(reply) == "Yes")
    }

    static let trailers = [
        "Sent from my iPhone",
        "Sent from my iPad",
        "Sent from my Android",
        "sent from my android phone",
        "Sent from my Samsung Galaxy smartphone.",
        "Sent from Outlook for iOS",
        "Sent from Outlook for Android",
        "Get Outlook for iOS<https://aka.ms/o0ukef>",
        "Get Outlook for Android <https://aka.ms/AAb9ysg>",
        "Sent from Yahoo Mail for iPhone",
        "Sent from Yahoo Mail on Android",
        "Sent from Mail for Windows",
        "Sent via the Samsung Galaxy S24, an AT&T 5G smartphone",
        "Von meinem iPhone gesendet",
        "Envoyé de mon iPhone",
        "Enviado desde mi iPhone",
        "Inviato da iPhone",
        "Verstuurd vanaf mijn iPhone",
        "Enviado do meu iPhone",
        "Skickat från min iPhone",
        "SENT FROM MY IPHONE",
    ]

    @Test("a mobile trailer on its own line is dropped", arguments: trailers)
    func trailer(_ line: String) {
        #expect(ReplyText.extract("On my way\n\n\(line)") == "On my way")
        #expect(ReplyText.extract("On my way\n\n\(line)\n\n> On 25 Nov 2026, at 06:30, Ann wrote:\n> Are you coming?") == "On my way")
        #expect(ReplyText.extract("\(line)\n\n> Are you coming?") == "")
    }

    @Test("a trailer inside a sentence, or a long sentence that starts like one, stays")
    func notTrailer() {
        let text = "I wrote this and it was sent from my iPhone\nSent from my brother's phone because mine fell into the lake on Sunday"
        #expect(ReplyText.extract(text) == text)
    }

    @Test("what the person wrote after a trailer stays, without the trailer")
    func textAfterTrailer() {
        #expect(ReplyText.extract("Yes\nSent from my iPhone\nAlso: bring the cake") == "Yes\nAlso: bring the cake")
    }
}
