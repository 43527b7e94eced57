import MailKit
import Testing

/// Originals quoted without `>`: Outlook's separators and header blocks, and forwards.
@Suite("Reply text: Outlook headers and forwards")
struct QuoteHeaderTests {
    static let separators = [
        "-----Original Message-----",
        "----- Original Message -----",
        "-------- Original Message --------",
        "-----Ursprüngliche Nachricht-----",
        "-----Message d'origine-----",
        "-----Mensaje original-----",
        "-----Messaggio originale-----",
        "-----Oorspronkelijk bericht-----",
        "-----Mensagem original-----",
        "-----Ursprungligt meddelande-----",
    ]

    @Test("an Outlook separator ends the reply", arguments: separators)
    func separator(_ line: String) {
        #expect(ReplyText.extract("Yes\n\n\(line)\nFrom: 18553569768\nAre you coming?") == "Yes")
    }

    static let headerBlocks = [
        "From: 18553569768 <relay@example.org>\nSent: Wednesday, November 25, 2026 7:31 AM\nTo: Ann <ann@example.com>\nSubject: Text message",
        "From: 18553569768 <relay@example.org>\nDate: Wednesday, 25 November 2026 at 07:31\nTo: Ann <ann@example.com>\nSubject: Text message",
        "*From:* 18553569768 <relay@example.org>\n*Sent:* Wednesday, November 25, 2026 7:31 AM\n*To:* Ann",
        "Von: 18553569768 <relay@example.org>\nGesendet: Mittwoch, 25. November 2026 07:31\nAn: Ann <ann@example.com>\nBetreff: Text message",
        "De : 18553569768 <relay@example.org>\nEnvoyé : mercredi 25 novembre 2026 07:31\nÀ : Ann <ann@example.com>\nObjet : Text message",
        "De: 18553569768\nEnviado: miércoles, 25 de noviembre de 2026 7:31\nPara: Ann\nAsunto: Text message",
        "Da: 18553569768\nInviato: mercoledì 25 novembre 2026 07:31\nA: Ann\nOggetto: Text message",
        "Van: 18553569768\nVerzonden: woensdag 25 november 2026 07:31\nAan: Ann\nOnderwerp: Text message",
        "Från: 18553569768\nSkickat: den 25 november 2026 07:31\nTill: Ann\nÄmne: Text message",
        "From: 18553569768 <relay@example.org>\nSent: Wednesday, November 25, 2026 7:31 AM\nTo: Ann <ann@example.com>; Bob\n <bob@example.com>\nSubject: Text message",
    ]

    @Test("an Outlook header block ends the reply, with the rule above it", arguments: headerBlocks)
    func headerBlock(_ block: String) {
        #expect(ReplyText.extract("Yes\n\n\(block)\n\nAre you coming?") == "Yes")
        #expect(ReplyText.extract("Yes\n\n________________________________\n\(block)\n\nAre you coming?") == "Yes")
    }

    @Test("a From: line without a date and a recipient below it is the person's text")
    func notAHeaderBlock() {
        let text = "From: the station\nTo: your place, about 20 minutes"
        #expect(ReplyText.extract(text) == text)
        #expect(ReplyText.extract("A line\n______________\nbelow a rule") == "A line\n______________\nbelow a rule")
    }

    static let forwards = [
        "Begin forwarded message:",
        "Anfang der weitergeleiteten Nachricht:",
        "Début du message réexpédié :",
        "---------- Forwarded message ---------",
        "-------- Forwarded Message --------",
        "---------- Weitergeleitete Nachricht ---------",
    ]

    @Test("a forward keeps the note above the forwarded message and never the message", arguments: forwards)
    func forward(_ line: String) {
        let reply = "FYI, the text below\n\n\(line)\n\nFrom: 18553569768 <relay@example.org>\nSubject: Text message\nDate: 25 November 2026\n\nAre you coming?"
        #expect(ReplyText.extract(reply) == "FYI, the text below")
        #expect(ReplyText.extract("\(line)\nFrom: 18553569768\n\nAre you coming?") == "")
    }
}
