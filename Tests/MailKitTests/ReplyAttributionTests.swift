import MailKit
import Testing

/// The line above a quote (`On … wrote:`) in each language, whole or wrapped.
@Suite("Reply text: attributions")
struct ReplyAttributionTests {
    static let attributions = [
        "On Wed, Nov 25, 2026 at 6:30 AM 18553569768 <relay@example.org> wrote:",
        "On 25 Nov 2026, at 06:30, 18553569768 <relay@example.org> wrote:",
        "On 25/11/2026 06:30, 18553569768 wrote:",
        "on wednesday 25 november 2026, 18553569768 WROTE:",
        "Am 25.11.2026 um 06:30 schrieb 18553569768:",
        "Am Mi., 25. Nov. 2026 um 06:30 Uhr schrieb 18553569768 <relay@example.org>:",
        "Le 25 nov. 2026 à 06:30, 18553569768 <relay@example.org> a écrit :",
        "Le mer. 25 nov. 2026 à 06:30, 18553569768 <relay@example.org> a\u{00A0}écrit\u{00A0}:",
        "El mié, 25 nov 2026 a las 6:30, 18553569768 (<relay@example.org>) escribió:",
        "Il giorno mer 25 nov 2026 alle ore 06:30 18553569768 <relay@example.org> ha scritto:",
        "Op wo 25 nov. 2026 om 06:30 schreef 18553569768 <relay@example.org>:",
        "Em qua., 25 de nov. de 2026 às 06:30, 18553569768 <relay@example.org> escreveu:",
        "Den ons 25 nov. 2026 kl 06:30 skrev 18553569768 <relay@example.org>:",
    ]

    @Test("a dated attribution ends a top-posted reply, quoted below it or not", arguments: attributions)
    func attribution(_ line: String) {
        #expect(ReplyText.extract("New text\n\n\(line)\n\n> Are you coming?") == "New text")
        #expect(ReplyText.extract("New text\n\n\(line)\n\nAre you coming?\n\nMore original") == "New text")
    }

    @Test("a dated attribution and its quote are dropped from a bottom-posted reply", arguments: attributions)
    func bottomPosted(_ line: String) {
        #expect(ReplyText.extract("\(line)\n> Are you coming?\n\nYes") == "Yes")
    }

    @Test("an attribution a client wrapped over two lines is one attribution")
    func wrapped() {
        let reply = "Yes\n\nOn Wed, Nov 25, 2026 at 6:30 AM 18553569768 <\nrelay@example.org> wrote:\n\nAre you coming?"
        #expect(ReplyText.extract(reply) == "Yes")
        let bottom = "Am Mi., 25. Nov. 2026 um 06:30 Uhr schrieb 18553569768 <\nrelay@example.org>:\n> Kommst du?\nJa"
        #expect(ReplyText.extract(bottom) == "Ja")
    }

    @Test("a line of the person's own is not joined to the attribution below it")
    func notJoined() {
        #expect(ReplyText.extract("On it!\nOn 25/11/2026 06:30, 18553569768 wrote:\n> Hi") == "On it!")
        #expect(ReplyText.extract("On 5th Street at 7\nOn 25/11/2026 06:30, Ann wrote:\nHi") == "On 5th Street at 7")
    }

    @Test("an undated 'wrote:' line starts the original only when a quote follows it")
    func undated() {
        #expect(ReplyText.extract("Yes\n\nAnn Example <ann@example.com> wrote:\n> Are you coming?") == "Yes")
        #expect(ReplyText.extract("18553569768 schrieb:\n> Kommst du?\nJa") == "Ja")
        let sentence = "On Monday my sister wrote:\nshe is coming too"
        #expect(ReplyText.extract(sentence) == sentence)
    }

    @Test("an attribution in another language, ending in an address and a colon, counts when a quote follows")
    func otherLanguages() {
        #expect(ReplyText.extract("はい\n\n2026年11月25日(水) 6:30 18553569768 <relay@example.org>:\n\n> Are you coming?") == "はい")
        #expect(ReplyText.extract("好的\n\n18553569768 <relay@example.org> 于2026年11月25日周三 06:30写道：\n> Are you coming?") == "好的")
        #expect(ReplyText.extract("Write to ann@example.com:\nshe knows") == "Write to ann@example.com:\nshe knows")
    }

    @Test("a sentence that only looks like an attribution stays")
    func lookalike() {
        let text = "On Friday at 7 we meet, she wrote: bring food\nAm 25. geht es, oder?"
        #expect(ReplyText.extract(text) == text)
    }
}
